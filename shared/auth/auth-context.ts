import { type Authorization, type Identity, isAuthorizedForAny, missingAuthorizationMessage, type PermissionCheck } from './evaluate.ts';

/** Camunda's 403 body (AuthorizationExceptionDto). */
export class AuthorizationError extends Error {
  override readonly name = 'AuthorizationException';
  constructor(
    readonly userId: string,
    readonly checks: readonly PermissionCheck[],
  ) {
    super(missingAuthorizationMessage(userId, checks));
  }

  toDto() {
    const single = this.checks.length === 1 ? this.checks[0]! : undefined;
    return {
      type: 'AuthorizationException',
      message: this.message,
      code: 0,
      userId: this.userId,
      resourceName: single?.resource ?? null,
      resourceId: single ? (single.resourceId ?? null) : null,
      permissionName: single?.permission ?? null,
      missingAuthorizations: this.checks.map((c) => ({ permissionName: c.permission, resourceName: c.resource, resourceId: c.resourceId ?? null })),
    };
  }
}

/** Where a request's authorizations come from (the identity repository; anything in tests). */
export interface AuthorizationSource {
  listAuthorizations(): Promise<readonly Authorization[]>;
}

/**
 * Who is calling and what they may do, for one request. With authentication off every check passes
 * (Camunda's default without authorization enabled).
 */
export class AuthContext {
  private authorizations: Promise<readonly Authorization[]> | undefined;

  constructor(
    /** Undefined when authentication is off. */
    readonly identity: Identity | undefined,
    private readonly identities: AuthorizationSource | undefined,
  ) {}

  static anonymous(): AuthContext {
    return new AuthContext(undefined, undefined);
  }

  get enabled(): boolean {
    return this.identity !== undefined;
  }

  get userId(): string | null {
    return this.identity?.userId ?? null;
  }

  private loadAuthorizations(): Promise<readonly Authorization[]> {
    this.authorizations ??= this.identities ? this.identities.listAuthorizations() : Promise.resolve([]);
    return this.authorizations;
  }

  /** Passes if any one check is authorized. */
  async isAllowed(...checks: PermissionCheck[]): Promise<boolean> {
    if (!this.identity) return true;
    return isAuthorizedForAny(this.identity, await this.loadAuthorizations(), checks);
  }

  /** Throws Camunda's AuthorizationException (403) unless one of the checks is authorized. */
  async require(...checks: PermissionCheck[]): Promise<void> {
    if (!(await this.isAllowed(...checks))) throw new AuthorizationError(this.identity!.userId, checks);
  }

  /** Tenant visibility: without authentication everything; with it, no tenant or one of the user's. */
  canSeeTenant(tenantId: string | null | undefined): boolean {
    if (!this.identity || tenantId === null || tenantId === undefined) return true;
    return this.identity.tenantIds.includes(tenantId) || this.identity.groupIds.includes('camunda-admin');
  }
}
