"""moto_server without two costs that grow with the data and that AWS does not have.

The benchmarks compare the engine's work with floors sent to the same emulator, so the emulator's
costs must be shaped like the services': fixed per request, not growing with the table or the queue.
Stock moto (5.x) has two such costs, and this launcher removes exactly those, nothing else:

1. DynamoDB TransactWriteItems deep-copies the *whole table* once per *action* (its rollback
   snapshot), so a transaction costs O(actions x table size): a 4-action transaction against a
   table of 1,000 process instances takes about half a second, and merely starting the batch
   benchmark's 1,000 instances takes more than ten minutes. Here a transaction copies only the items
   it names and restores exactly those if it is cancelled, and transactions run one at a time
   (DynamoDB's are isolated; moto's are not, see the EMULATOR note in
   test/integration/batch-reliability.test.ts). Conditions, cancellation reasons and results stay
   moto's own code.
2. SQS asks its clock (naive-UTC datetime arithmetic, about 5 us) several times for *every message
   in the queue* on every send, receive and delete (visibility checks, queue attributes): with 1,000
   messages queued, one ReceiveMessage + DeleteMessageBatch round takes about 270 ms. Here the same
   clock reading (seconds since the epoch) comes from time.time().

Used by the benchmarks only (bench/support/emulator.ts; BENCH_STOCK_MOTO=1 runs the stock server);
tests and the local runtime run the stock `moto_server`.

Usage: python3 moto_server_for_bench.py -H 127.0.0.1 -p 4599
"""

import copy
import threading
import time

from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table
from moto.server import main
from moto.sqs import models as sqs_models


class _TablesAreNotCopied:
    """The `copy` module as moto's DynamoDB backend sees it: a Table is "copied" as itself."""

    def __getattr__(self, name):
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value, memo=None):
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)


dynamodb_models.copy = _TablesAreNotCopied()
_stock_transact_write_items = DynamoDBBackend.transact_write_items
_one_transaction_at_a_time = threading.Lock()


def _key_of(table, op_type, op):
    attrs = op["Item"] if op_type == "Put" else op["Key"]
    hash_value = DynamoType(attrs[table.hash_key_attr])
    range_value = DynamoType(attrs[table.range_key_attr]) if table.range_key_attr else None
    return hash_value, range_value


def _restore(table, hash_value, range_value, item):
    if item is None:
        table.delete_item(hash_value, range_value)
    elif range_value is not None:
        table.items[hash_value][range_value] = item
    else:
        table.items[hash_value] = item


def transact_write_items(self, transact_items):
    with _one_transaction_at_a_time:
        snapshots = []
        try:
            for entry in transact_items:
                op_type, op = next(iter(entry.items()))
                table = self.get_table(op["TableName"])
                hash_value, range_value = _key_of(table, op_type, op)
                snapshots.append((table, hash_value, range_value, copy.deepcopy(table.get_item(hash_value, range_value))))
        except Exception:
            # A malformed request: moto's own code reports it.
            snapshots = []
        try:
            return _stock_transact_write_items(self, transact_items)
        except Exception:
            for table, hash_value, range_value, item in reversed(snapshots):
                _restore(table, hash_value, range_value, item)
            raise


DynamoDBBackend.transact_write_items = transact_write_items

_stock_unix_time = sqs_models.unix_time


def _unix_time(dt=None):
    """moto.core.utils.unix_time: seconds since the epoch, of now unless a datetime is given."""
    return time.time() if dt is None else _stock_unix_time(dt)


sqs_models.unix_time = _unix_time
sqs_models.unix_time_millis = lambda dt=None: _unix_time(dt) * 1000.0

if __name__ == "__main__":
    main()
