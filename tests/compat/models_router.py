"""Models of Tortoise's examples/router.py and examples/global_table_name_generator.py, renamed."""

from orm import fields
from orm.models import Model


class Event(Model):
    id = fields.IntField(primary_key=True)
    name = fields.TextField()
    datetime = fields.DatetimeField(null=True)

    class Meta:
        table = "event"

    def __str__(self):
        return self.name


class UserProfile(Model):
    id = fields.IntField(primary_key=True)
    name = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    def __str__(self):
        return self.name


class BlogPost(Model):
    id = fields.IntField(primary_key=True)
    title = fields.TextField()
    author: fields.ForeignKeyRelation[UserProfile] = fields.ForeignKeyField(UserProfile, related_name="posts")

    class Meta:
        table = "custom_blog_posts"

    def __str__(self):
        return self.title

