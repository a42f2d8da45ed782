"""pydantic models of ORM models (Tortoise's ``tortoise.contrib.pydantic``; needs pydantic 2).

    Tournament_Pydantic = pydantic_model_creator(Tournament)
    data = (await Tournament_Pydantic.from_tortoise_orm(tournament)).model_dump_json()
"""

from orm.contrib.pydantic.base import PydanticListModel, PydanticModel
from orm.contrib.pydantic.creator import PydanticMeta, pydantic_model_creator, pydantic_queryset_creator

__all__ = ["PydanticListModel", "PydanticMeta", "PydanticModel", "pydantic_model_creator", "pydantic_queryset_creator"]
