"""Models of Tortoise's examples/pydantic/computed_fields.py, renamed."""

from __future__ import annotations

from orm import fields
from orm.exceptions import NoValuesFetched
from orm.models import Model


class Department(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)

    employees: fields.ReverseRelation[Employee]

    def employee_count(self) -> int:
        """
        Counts employees in the department.
        """
        try:
            return len(self.employees)
        except (NoValuesFetched, AttributeError):
            return 0

    def employee_names(self) -> str:
        """
        Returns a comma-separated list of employee names.
        """
        return ", ".join(e.name for e in self.employees)

    class PydanticMeta:
        computed = ("employee_count", "employee_names")


class Employee(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)

    department: fields.ForeignKeyNullableRelation[Department] = fields.ForeignKeyField(
        "models.Department", related_name="employees", null=True
    )
