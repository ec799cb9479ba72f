/**
 * Comments on tasks and process instances, and attachments of tasks (Camunda's ACT_HI_COMMENT and
 * ACT_HI_ATTACHMENT): history, so they outlive the task or instance. Each owner's notes share a
 * partition (`COMMENTS#TASK#<id>`, `COMMENTS#PI#<id>`, `ATTACHMENTS#TASK#<id>`, sort key the note's
 * id), read with one consistent Query: a note is listed as soon as it is written.
 */
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { queryAllPages } from './paging.ts';
import { asStoreLimitExceeded } from '../aws/store-limits.ts';

export type NoteOwner = { kind: 'TASK' | 'PI'; id: string };

export interface CommentRecord {
  id: string;
  userId: string | null;
  taskId: string | null;
  /** The instance the comment names (Camunda's processInstanceId): it is that instance's comment too. */
  processInstanceId: string | null;
  /** The instance of its task, which decides who may read it once the task is gone. */
  taskInstanceId: string | null;
  rootProcessInstanceId: string | null;
  time: number;
  message: string;
}

export interface AttachmentRecord {
  id: string;
  name: string | null;
  description: string | null;
  type: string | null;
  url: string | null;
  taskId: string;
  processInstanceId: string | null;
  rootProcessInstanceId: string | null;
  createTime: number;
  userId: string | null;
  /** The uploaded content, base64; absent for an attachment that only links a URL. */
  content?: string;
}

const commentKey = (owner: NoteOwner, id: string) => ({ pk: `COMMENTS#${owner.kind}#${owner.id}`, sk: `COMMENT#${id}` });
const attachmentKey = (taskId: string, id: string) => ({ pk: `ATTACHMENTS#TASK#${taskId}`, sk: `ATTACHMENT#${id}` });

function strip<T>(item: Record<string, unknown> | undefined): T | undefined {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, kind: _kind, ...record } = item;
  return record as T;
}

export class NoteRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private all(pk: string, prefix: string): Promise<Record<string, unknown>[]> {
    return queryAllPages(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
      ConsistentRead: true,
    });
  }

  /** One transaction over the copies of a comment (its task's and its instance's). */
  private async transact(actions: Record<string, unknown>[]): Promise<void> {
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: actions as never }));
    } catch (error) {
      throw asStoreLimitExceeded(error) ?? error;
    }
  }

  private async put(key: { pk: string; sk: string }, kind: string, record: object): Promise<void> {
    try {
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...key, kind, ...record } }));
    } catch (error) {
      throw asStoreLimitExceeded(error) ?? error;
    }
  }

  /** The owner's comments, oldest first (Camunda orders them by time). */
  async comments(owner: NoteOwner): Promise<CommentRecord[]> {
    const records = (await this.all(commentKey(owner, '').pk, 'COMMENT#')).map((item) => strip<CommentRecord>(item)!);
    return records.sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : 1));
  }

  async comment(owner: NoteOwner, id: string): Promise<CommentRecord | undefined> {
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: commentKey(owner, id), ConsistentRead: true }));
    return strip<CommentRecord>(item);
  }

  /** Files a comment under each owner (its task, and the instance it names), in one transaction. */
  saveComment(owners: readonly NoteOwner[], comment: CommentRecord): Promise<void> {
    return this.transact(owners.map((owner) => ({ Put: { TableName: this.tableName, Item: { ...commentKey(owner, comment.id), kind: 'comment', ...comment } } })));
  }

  /** A new message for every copy of a comment, in one transaction. */
  updateComment(owners: readonly NoteOwner[], id: string, message: string): Promise<void> {
    return this.transact(
      owners.map((owner) => ({
        Update: { TableName: this.tableName, Key: commentKey(owner, id), UpdateExpression: 'SET message = :message', ExpressionAttributeValues: { ':message': message } },
      })),
    );
  }

  /** Removes every copy of a comment, in one transaction. */
  deleteComment(owners: readonly NoteOwner[], id: string): Promise<void> {
    return this.transact(owners.map((owner) => ({ Delete: { TableName: this.tableName, Key: commentKey(owner, id) } })));
  }

  async attachments(taskId: string): Promise<AttachmentRecord[]> {
    const records = (await this.all(attachmentKey(taskId, '').pk, 'ATTACHMENT#')).map((item) => strip<AttachmentRecord>(item)!);
    return records.sort((a, b) => a.createTime - b.createTime || (a.id < b.id ? -1 : 1));
  }

  async attachment(taskId: string, id: string): Promise<AttachmentRecord | undefined> {
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: attachmentKey(taskId, id), ConsistentRead: true }));
    return strip<AttachmentRecord>(item);
  }

  saveAttachment(attachment: AttachmentRecord): Promise<void> {
    return this.put(attachmentKey(attachment.taskId, attachment.id), 'attachment', attachment);
  }

  /** False when there was no such attachment. */
  async deleteAttachment(taskId: string, id: string): Promise<boolean> {
    const { Attributes: deleted } = await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: attachmentKey(taskId, id), ReturnValues: 'ALL_OLD' }));
    return deleted !== undefined;
  }
}
