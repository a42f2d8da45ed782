"""The router example's table on the replica connection (app "replica"), to see where reads go."""

from orm import fields
from orm.models import Model


class ReplicaEvent(Model):
    id = fields.IntField(primary_key=True)
    name = fields.TextField()
    datetime = fields.DatetimeField(null=True)

    class Meta:
        table = "event"
        app = "replica"
