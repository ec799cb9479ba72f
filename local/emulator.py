"""The embedded AWS emulator: moto's DynamoDB and SQS, made to behave like the services where the
engine depends on them.

`npm start`, the tests and the benchmarks all start this one script (local/emulator.ts). Stock
`moto_server` (5.x) serves requests on threads over backends that are not thread-safe, and several
of its costs grow with the data. This launcher keeps moto's own code for everything it gets right
(expressions, conditions, error shapes, protocols) and changes exactly these things:

1. Isolation. Every DynamoDB request runs alone, from parsing to its serialized response, under one
   lock: no request sees or overwrites another's half-done work (DynamoDB's requests are atomic and
   its transactions serializable). Every SQS call runs under a second lock; a long poll waits
   outside it, so long polls of several consumers stay concurrent.
2. Transactions. Stock TransactWriteItems deep-copies every table it names once per action and, when
   cancelled, puts that copy back over every other request's writes. Here a transaction snapshots
   only the items it names and restores exactly those.
3. Query cost. Stock Query sorts every item of the table (and, on an index, tests every item) on each
   call. Here a table query starts from its partition and an index query from the index partition,
   kept up to date on every write, so a query costs what its partition holds, not the table.
4. SQS costs. Stock SQS reads a slow naive-UTC clock several times per queued message per request,
   lists every visible message before taking the first ten, computes every queue attribute (two
   counts over the whole queue) once per received message, and walks the queue to find a receipt
   handle. Here the clock is time.time(), visible messages are read lazily, the retention check
   reads one attribute, and messages are found by id and receipt handle: a receive + delete round
   costs the same with 10,000 messages queued as with 400 (bench/emulator-queue.bench.ts).
   moto also keeps every model instance it ever made, each received copy included; messages and
   items are not kept.
5. Errors and stopping. A failure inside moto answers a JSON 500 that names it (never an HTML
   debugger page), and SIGTERM/SIGINT end the process at once: it holds nothing worth flushing.
6. Per-request overhead. Werkzeug closes every connection after one response; here connections stay
   open (with Nagle off), as AWS's do. And moto lists its package directory (to find the service of
   a request) and walks each response class with `inspect` on every request; both answers never
   change, so they are computed once. Together about 1 ms of every request (cProfile, a batch run).
   An item is built in time linear in its attributes (moto re-summed the whole item per attribute),
   and a condition expression is parsed once per text, names and values, not on every use.

Usage: python3 local/emulator.py -H 127.0.0.1 -p 4566
"""

import argparse
import copy
import functools
import inspect
import json
import logging
import os
import signal
import io
import selectors
import socket
import sys
import threading
import time
import traceback

from moto import backends as moto_backends
from moto.core import responses as moto_responses
from moto.dynamodb import comparisons as dynamodb_comparisons
from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models import table as dynamodb_table
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.exceptions import ItemSizeTooLarge
from moto.dynamodb.models.dynamo_type import DynamoType, LimitedSizeDict
from moto.dynamodb.models.dynamo_type import Item as DynamoItem
from moto.dynamodb.models.utilities import bytesize
from moto.dynamodb.models.table import Table
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from moto.sqs import models as sqs_models
from moto.sqs.models import Queue, SQSBackend
import werkzeug.serving as werkzeug_serving
from werkzeug.serving import WSGIRequestHandler, run_simple

DYNAMODB_LOCK = threading.RLock()
SQS_LOCK = threading.RLock()
# Woken whenever a message is sent or made visible, so waiting long polls look again at once.
SQS_ACTIVITY = threading.Condition()

# ---------------------------------------------------------------------------------------------
# 1 and 5: the WSGI layer — one DynamoDB request at a time, JSON errors instead of HTML pages
# ---------------------------------------------------------------------------------------------


_request = threading.local()


def _client_gone():
    """Whether the client of this thread's request closed its connection (an aborted long poll)."""
    sock = getattr(_request, "socket", None)
    if sock is None:
        return False
    try:
        return sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except (BlockingIOError, InterruptedError):
        return False
    except OSError:
        return True


class IsolatedRequests:
    """Runs each DynamoDB request, response included, under DYNAMODB_LOCK; maps crashes to JSON 500s."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        is_dynamodb = environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB_")
        _request.socket = environ.get("werkzeug.socket")
        # The whole body is read before moto sees it, whatever moto reads of it: on a kept-alive
        # connection, unread bytes would be taken for the next request line.
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > 0:
            environ["wsgi.input"] = io.BytesIO(environ["wsgi.input"].read(length))
        try:
            if is_dynamodb:
                with DYNAMODB_LOCK:
                    return list(self.app(environ, start_response))
            return self.app(environ, start_response)
        except Exception as error:  # moto crashed: answer like a service, naming the failure
            traceback.print_exc()
            body = json.dumps({"__type": "InternalFailure", "message": f"emulator failure: {type(error).__name__}: {error}"}).encode()
            start_response("500 Internal Server Error", [("Content-Type", "application/x-amz-json-1.0"), ("Content-Length", str(len(body)))])
            return [body]


# ---------------------------------------------------------------------------------------------
# 2: transactions snapshot and restore only the items they name
# ---------------------------------------------------------------------------------------------


class _TablesAreNotCopied:
    """The `copy` module as moto's DynamoDB backend sees it: a Table is "copied" as itself."""

    def __getattr__(self, name):
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value, memo=None):
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)


dynamodb_models.copy = _TablesAreNotCopied()


def _key_of(table, op_type, op):
    attrs = op["Item"] if op_type == "Put" else op["Key"]
    hash_value = DynamoType(attrs[table.hash_key_attr])
    range_value = DynamoType(attrs[table.range_key_attr]) if table.range_key_attr else None
    return hash_value, range_value


def _stored_item(table, hash_value, range_value):
    partition = table.items.get(hash_value)
    if partition is None:
        return None
    return partition.get(range_value) if table.range_key_attr else partition


def _restore(table, hash_value, range_value, item):
    if item is None:
        if _stored_item(table, hash_value, range_value) is not None:
            table.delete_item(hash_value, range_value)
    elif range_value is not None:
        table.items[hash_value][range_value] = item
    else:
        table.items[hash_value] = item
    _reindex(table, hash_value, range_value)


_stock_transact_write_items = DynamoDBBackend.transact_write_items


def transact_write_items(self, transact_items):
    with DYNAMODB_LOCK:
        snapshots = []
        try:
            for entry in transact_items:
                op_type, op = next(iter(entry.items()))
                table = self.get_table(op["TableName"])
                hash_value, range_value = _key_of(table, op_type, op)
                snapshots.append((table, hash_value, range_value, copy.deepcopy(_stored_item(table, hash_value, range_value))))
        except Exception:
            snapshots = []  # a malformed request: moto's own code reports it, before writing anything
        try:
            return _stock_transact_write_items(self, transact_items)
        except Exception:
            for table, hash_value, range_value, item in reversed(snapshots):
                _restore(table, hash_value, range_value, item)
            raise


DynamoDBBackend.transact_write_items = transact_write_items

# ---------------------------------------------------------------------------------------------
# 3: queries start from their partition; index partitions are kept on every write
# ---------------------------------------------------------------------------------------------


class _IndexPartitions:
    """One secondary index: its partition key values → {(table hash, table range): item}."""

    def __init__(self, hash_attrs):
        self.hash_attrs = hash_attrs
        self.partitions = {}
        self.partition_of = {}

    def key_of(self, item):
        values = []
        for attr in self.hash_attrs:
            raw = item.attrs.get(attr)
            if raw is None:
                return None
            values.append(raw)
        return tuple(values)

    def put(self, primary_key, item):
        self.remove(primary_key)
        if item is None:
            return
        index_key = self.key_of(item)
        if index_key is None:
            return
        self.partitions.setdefault(index_key, {})[primary_key] = item
        self.partition_of[primary_key] = index_key

    def remove(self, primary_key):
        index_key = self.partition_of.pop(primary_key, None)
        if index_key is None:
            return
        partition = self.partitions[index_key]
        partition.pop(primary_key, None)
        if not partition:
            del self.partitions[index_key]


def _index_hash_attrs(index):
    return [key["AttributeName"] for key in index.schema if key["KeyType"] == "HASH"]


def _index_partitions(table):
    """The table's index partitions, built from every item on first use (and after a schema change)."""
    signature = tuple((index.name, tuple(_index_hash_attrs(index))) for index in table.all_indexes())
    cached = getattr(table, "_index_partitions", None)
    if cached is not None and cached[0] == signature:
        return cached[1]
    indexes = {name: _IndexPartitions(list(attrs)) for name, attrs in signature}
    for item in _stock_all_items(table):
        for partitions in indexes.values():
            partitions.put((item.hash_key, item.range_key), item)
    table._index_partitions = (signature, indexes)
    return indexes


def _reindex(table, hash_value, range_value):
    cached = getattr(table, "_index_partitions", None)
    if cached is None:
        return  # not built yet: the first indexed query builds it from the items as they are then
    item = _stored_item(table, hash_value, range_value)
    for partitions in cached[1].values():
        partitions.put((hash_value, range_value), item)


def _reindexing(stock_write):
    def write(self, table_name, key_or_item, *args, **kwargs):
        with DYNAMODB_LOCK:
            try:
                return stock_write(self, table_name, key_or_item, *args, **kwargs)
            finally:
                table = self.tables.get(table_name)
                if table is not None and table.hash_key_attr in key_or_item:
                    hash_value = DynamoType(key_or_item[table.hash_key_attr])
                    range_value = DynamoType(key_or_item[table.range_key_attr]) if table.range_key_attr else None
                    _reindex(table, hash_value, range_value)

    return write


for _name in ("put_item", "update_item", "delete_item"):
    setattr(DynamoDBBackend, _name, _reindexing(getattr(DynamoDBBackend, _name)))


def _forgetting_index_partitions(stock):
    """Statements moto applies item by item where this file cannot see: rebuild indexes afterwards."""

    def run(self, *args, **kwargs):
        with DYNAMODB_LOCK:
            try:
                return stock(self, *args, **kwargs)
            finally:
                for table in self.tables.values():
                    table._index_partitions = None

    return run


DynamoDBBackend.execute_statement = _forgetting_index_partitions(DynamoDBBackend.execute_statement)

_stock_all_items = Table.all_items
_stock_query = Table.query
_query_scope = threading.local()


def _all_items(self):
    candidates = getattr(_query_scope, "candidates", None)
    return candidates if candidates is not None else _stock_all_items(self)


def _query(self, hash_key, range_comparison, range_objs, limit, exclusive_start_key, scan_index_forward, projection_expressions, index_name=None, *rest, hash_key_conditions=None, **kwargs):
    if index_name:
        index = next((i for i in self.all_indexes() if i.name == index_name), None)
        candidates = None
        if index is not None:
            hash_attrs = _index_hash_attrs(index)
            given = dict(hash_key_conditions or [])
            if not given and hash_key is not None and len(hash_attrs) == 1:
                given = {hash_attrs[0]: hash_key}
            if all(attr in given for attr in hash_attrs):
                partitions = _index_partitions(self).get(index_name)
                if partitions is not None:
                    wanted = tuple(given[attr] for attr in hash_attrs)
                    candidates = list(partitions.partitions.get(wanted, {}).values())
    else:
        partition = self.items.get(hash_key) if hash_key is not None else None
        if partition is None:
            candidates = []
        else:
            candidates = list(partition.values()) if self.range_key_attr else [partition]
    _query_scope.candidates = candidates
    try:
        return _stock_query(
            self, hash_key, range_comparison, range_objs, limit, exclusive_start_key, scan_index_forward, projection_expressions, index_name, *rest, hash_key_conditions=hash_key_conditions, **kwargs
        )
    finally:
        _query_scope.candidates = None


Table.all_items = _all_items
Table.query = _query

# ---------------------------------------------------------------------------------------------
# 1 and 4: SQS calls under one lock, long polls waiting outside it; a cheap clock
# ---------------------------------------------------------------------------------------------

_stock_unix_time = sqs_models.unix_time


def _unix_time(dt=None):
    """moto.core.utils.unix_time: seconds since the epoch, of now unless a datetime is given."""
    return time.time() if dt is None else _stock_unix_time(dt)


sqs_models.unix_time = _unix_time
sqs_models.unix_time_millis = lambda dt=None: _unix_time(dt) * 1000.0


class _VisibleMessages:
    """A queue's visible messages, read lazily: a receive stops at the first `count` of them instead of
    listing the whole queue first (stock moto builds the full list on every receive)."""

    def __init__(self, messages):
        self._messages = messages
        self._now = time.time() * 1000.0

    def __iter__(self):
        now = self._now
        return (m for m in self._messages if now > m.visible_at and now >= m.delayed_until)

    def __len__(self):
        return sum(1 for _ in self)

    def __bool__(self):
        return next(iter(self), None) is not None


Queue.messages = property(lambda self: _VisibleMessages(self._messages))


def _under_sqs_lock(stock, wakes_pollers=False):
    def call(self, *args, **kwargs):
        with SQS_LOCK:
            result = stock(self, *args, **kwargs)
        if wakes_pollers:
            with SQS_ACTIVITY:
                SQS_ACTIVITY.notify_all()
        return result

    return call


class _Untracked(list):
    """moto keeps every model instance it ever made (for its reset API), copies included: a message
    received a thousand times would be kept a thousand times. Items and messages are not tracked."""

    def append(self, _item):
        pass


sqs_models.Message.instances_tracked = _Untracked()
dynamodb_models.Item.instances_tracked = _Untracked()

# A queue's messages by id and by every receipt handle they were received with, so a delete or a
# visibility change finds its message without walking the queue (stock moto compares every message).
_stock_add_message = Queue.add_message


def _add_message(self, message):
    _stock_add_message(self, message)
    if self._messages and self._messages[-1] is message:
        self.__dict__.setdefault("_by_id", {})[message.id] = message


Queue.add_message = _add_message


def _remember_receipts(queue, received):
    by_id = queue.__dict__.setdefault("_by_id", {})
    by_receipt = queue.__dict__.setdefault("_by_receipt", {})
    for copy_ in received:
        original = by_id.get(copy_.id)
        if original is not None:
            by_receipt[copy_.receipt_handle] = original


_stock_delete_message = Queue.delete_message


def _delete_message(self, receipt_handle):
    message = self.__dict__.get("_by_receipt", {}).get(receipt_handle)
    if message is None or receipt_handle in self.deleted_messages:
        return _stock_delete_message(self, receipt_handle)  # unknown or repeated: moto's own answer
    self._messages.remove(message)  # identity comparison, in C
    self.pending_messages.discard(message)
    self.deleted_messages.update(message.all_receipt_handles)
    for handle in message.all_receipt_handles:
        self._by_receipt.pop(handle, None)
    self._by_id.pop(message.id, None)


Queue.delete_message = _delete_message

def _is_message_valid_based_on_retention_period(self, queue_name, message):
    """Stock moto computes every queue attribute (two counts over all messages) per received message."""
    retention_period = int(self.get_queue(queue_name).message_retention_period)
    return retention_period + message.sent_timestamp / 1000 > time.time()


SQSBackend.is_message_valid_based_on_retention_period = _is_message_valid_based_on_retention_period

_WAKING = {"send_message", "send_message_batch", "change_message_visibility", "change_message_visibility_batch"}
for _name, _member in list(vars(SQSBackend).items()):
    if inspect.isfunction(_member) and not _name.startswith("_") and _name != "receive_message":
        setattr(SQSBackend, _name, _under_sqs_lock(_member, _name in _WAKING))

_stock_receive_message = SQSBackend.receive_message


def _seconds_until_next_visible(queue, now):
    """When the next invisible or delayed message of the queue becomes visible by itself (no send wakes that)."""
    now_ms = now * 1000.0
    upcoming = [max(m.visible_at, m.delayed_until) for m in queue._messages if m.visible_at >= now_ms or m.delayed_until > now_ms]
    return (min(upcoming) - now_ms) / 1000.0 if upcoming else float("inf")


def receive_message(self, queue_name, count, wait_seconds_timeout, visibility_timeout, message_attribute_names=None):
    """One attempt at a time under SQS_LOCK; between attempts a long poll sleeps without holding it,
    until a message is sent or made visible, the next hidden message's time comes, or its wait ends."""
    deadline = time.time() + int(wait_seconds_timeout or 0)
    while True:
        if _client_gone():
            return []  # nobody would receive what this attempt takes: leave the messages queued
        with SQS_LOCK:
            received = _stock_receive_message(self, queue_name, count, 0, visibility_timeout, message_attribute_names)
            queue = self.get_queue(queue_name)
            _remember_receipts(queue, received)
            now = time.time()
            next_visible = _seconds_until_next_visible(queue, now) if not received else 0
        remaining = deadline - now
        if received or remaining <= 0:
            return received
        with SQS_ACTIVITY:
            SQS_ACTIVITY.wait(max(0.005, min(remaining, next_visible + 0.001)))


SQSBackend.receive_message = receive_message

# ---------------------------------------------------------------------------------------------
# 6: per-request overhead
# ---------------------------------------------------------------------------------------------

def _item_init(self, hash_key, range_key, attrs):
    """moto's Item, built without LimitedSizeDict's check on every attribute: that check sums the
    whole item so far, so an item of n attributes cost n² size computations (a 20-attribute task
    item about 200). The 400 KB limit is checked once, on the same total."""
    self.hash_key = hash_key
    self.range_key = range_key
    converted = {key: DynamoType(value) for key, value in attrs.items()}
    if sum(bytesize(key) + value.size() for key, value in converted.items()) > 405000:
        raise ItemSizeTooLarge
    self.attrs = LimitedSizeDict.__new__(LimitedSizeDict)
    dict.update(self.attrs, converted)


DynamoItem.__init__ = _item_init

_parse_condition = dynamodb_comparisons.get_filter_expression


@functools.lru_cache(maxsize=4096)
def _parsed_condition(expression, names_json, values_json):
    return _parse_condition(expression, json.loads(names_json), json.loads(values_json))


def _cached_condition(expression, names, values):
    """moto lexes and parses a condition expression on every use (about 0.2 ms, a third of a
    transaction's time in a batch run); the parsed expression depends only on its text, names and
    values, and evaluating it changes nothing, so equal ones are parsed once."""
    try:
        key = (expression, json.dumps(names, sort_keys=True), json.dumps(values, sort_keys=True))
    except (TypeError, ValueError):
        return _parse_condition(expression, names, values)
    return _parsed_condition(*key)


dynamodb_models.get_filter_expression = _cached_condition
dynamodb_table.get_filter_expression = _cached_condition

_MOTO_MODULES = tuple(moto_backends.list_of_moto_modules())
moto_backends.list_of_moto_modules = lambda: _MOTO_MODULES
moto_responses.method_names_from_class = functools.lru_cache(maxsize=None)(moto_responses.method_names_from_class)

# ---------------------------------------------------------------------------------------------
# serving
# ---------------------------------------------------------------------------------------------


class _NoDrain:
    """werkzeug.serving's view of `selectors`: its only use discards whatever the socket still holds
    after a response, which on a kept-alive connection is the client's next request (and the read
    then blocks for 10 MB). IsolatedRequests has read every body, so there is nothing to discard."""

    EVENT_READ = selectors.EVENT_READ

    class DefaultSelector:
        def register(self, *_):
            pass

        def select(self, timeout=None):
            return []

        def close(self):
            pass


werkzeug_serving.selectors = _NoDrain


class KeptAliveConnections(WSGIRequestHandler):
    """Werkzeug closes every connection after one response, because http.server cannot skip a body
    the application left unread; IsolatedRequests reads every body first, so connections can stay
    open, as DynamoDB's and SQS's do. Without this each SDK call opens a TCP connection and the
    server a thread: measured, 100 sequential GetItems opened 100 connections."""

    # Headers and body leave in separate writes; on a connection that stays open, Nagle's algorithm
    # holds the second one back until the client's delayed ACK (40 ms per request, measured).
    disable_nagle_algorithm = True

    def send_header(self, keyword, value):
        if keyword.lower() == "connection" and value.lower() == "close":
            return
        super().send_header(keyword, value)


def main():
    parser = argparse.ArgumentParser(description="moto's DynamoDB and SQS with isolated requests")
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=4566)
    args = parser.parse_args()
    os.environ.setdefault("MOTO_PORT", str(args.port))
    # Everything lives in memory and nothing is worth flushing: stop at once, whatever is stored.
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, lambda *_: os._exit(0))
    # One line per request would drown the runtime's own output; moto's failures still print.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    print(f" * Running on http://{args.host}:{args.port}", file=sys.stderr, flush=True)
    app = IsolatedRequests(DomainDispatcherApplication(create_backend_app))
    run_simple(args.host, args.port, app, threaded=True, request_handler=KeptAliveConnections)


if __name__ == "__main__":
    main()
