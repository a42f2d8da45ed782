"""Self-referencing relations: a tree of categories (parent/children) and followers/following."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from orm.fields.relational import ManyToManyFieldInstance
from tests.helpers import Backend
from tests.models_relations import Category, Member
from tests.relations_support import relations_session, statements


@pytest.fixture
async def db(backend: Backend) -> AsyncIterator[Backend]:
    async with relations_session(backend) as active:
        yield active


#: child -> parent (None for a root)
TREE = {
    "root": None,
    "books": "root",
    "music": "root",
    "novels": "books",
    "poetry": "books",
    "jazz": "music",
    "sonnets": "poetry",
    "orphan": None,
}


@pytest.fixture
async def tree(db: Backend) -> dict[str, Category]:
    made: dict[str, Category] = {}
    for name, parent in TREE.items():  # parents come first in TREE
        made[name] = await Category.create(name=name, parent=made[parent] if parent else None)
    return made


def children_of(name: str) -> list[str]:
    return sorted(child for child, parent in TREE.items() if parent == name)


def parent_of(name: str | None) -> str | None:
    return TREE[name] if name is not None else None


async def test_parent_and_children(tree: dict[str, Category]) -> None:
    books = await Category.get(name="books")
    assert (await books.parent).name == "root"
    assert sorted(c.name for c in await books.children) == children_of("books")
    assert await (await Category.get(name="root")).parent is None
    assert await tree["jazz"].children.count() == 0


async def test_filter_up_and_down_the_tree(tree: dict[str, Category]) -> None:
    async def names(qs: object) -> list[str]:
        return sorted(await qs.values_list("name", flat=True))  # type: ignore[attr-defined]

    assert await names(Category.filter(parent__isnull=True)) == ["orphan", "root"]
    assert await names(Category.filter(parent__name="books")) == children_of("books")
    grandchildren = sorted(n for n in TREE if parent_of(parent_of(n)) == "root")
    assert await names(Category.filter(parent__parent__name="root")) == grandchildren
    assert await names(Category.filter(children__name="poetry")) == ["books"]
    assert await names(Category.filter(children__children__name="sonnets")) == ["books"]
    assert await names(Category.filter(children__isnull=True)) == sorted(n for n in TREE if not children_of(n))
    assert await names(Category.filter(children__isnull=False).distinct()) == sorted(
        n for n in TREE if children_of(n)
    )


async def test_values_up_the_tree(tree: dict[str, Category]) -> None:
    rows = await Category.all().values_list("name", "parent__name", "parent__parent__name")
    assert sorted(rows) == sorted((n, parent_of(n), parent_of(parent_of(n))) for n in TREE)


async def test_select_related_up_the_tree(tree: dict[str, Category]) -> None:
    with statements() as seen:
        found = await Category.all().select_related("parent__parent")
    assert len(seen) == 1
    for category in found:
        parent = category.parent
        assert (parent.name if parent else None) == parent_of(category.name)
        if parent is not None:
            assert (parent.parent.name if parent.parent else None) == parent_of(parent.name)


async def test_prefetch_down_the_tree(tree: dict[str, Category]) -> None:
    with statements() as seen:
        roots = await Category.filter(parent__isnull=True).order_by("name").prefetch_related(
            "children__children__children"
        )
    assert len(seen) == 4

    def shape(category: Category, depth: int) -> object:
        if depth == 0:
            return category.name
        return (category.name, sorted((shape(c, depth - 1) for c in category.children), key=str))

    def expected(name: str, depth: int) -> object:
        if depth == 0:
            return name
        return (name, sorted((expected(c, depth - 1) for c in children_of(name)), key=str))

    assert [shape(r, 3) for r in roots] == [expected("orphan", 3), expected("root", 3)]


async def test_prefetch_parent_chain(tree: dict[str, Category]) -> None:
    leaves = await Category.filter(name__in=["sonnets", "jazz"]).order_by("name").prefetch_related("parent__parent")
    assert [(c.name, c.parent.name, c.parent.parent.name) for c in leaves] == [
        ("jazz", "music", "root"),
        ("sonnets", "poetry", "books"),
    ]


async def test_deleting_a_node_deletes_its_subtree(tree: dict[str, Category]) -> None:
    await tree["books"].delete()  # parent has on_delete CASCADE (the default)

    def under_books(name: str | None) -> bool:
        return name is not None and (name == "books" or under_books(TREE[name]))

    assert sorted(await Category.all().values_list("name", flat=True)) == sorted(
        n for n in TREE if not under_books(n)
    )


async def test_reparenting(tree: dict[str, Category]) -> None:
    jazz = tree["jazz"]
    jazz.parent = tree["books"]
    await jazz.save()
    assert sorted(c.name for c in await tree["books"].children) == sorted([*children_of("books"), "jazz"])
    assert await tree["music"].children.count() == 0


# -- followers / following --------------------------------------------------------------------------
#: who follows whom
FOLLOWS = {"ann": ["bob", "cat"], "bob": ["cat"], "cat": ["ann", "cat"], "dan": []}


@pytest.fixture
async def members(db: Backend) -> dict[str, Member]:
    made = {name: await Member.create(name=name) for name in FOLLOWS}
    for name, followed in FOLLOWS.items():
        await made[name].following.add(*(made[f] for f in followed))
    return made


def followers_of(name: str) -> list[str]:
    return sorted(who for who, followed in FOLLOWS.items() if name in followed)


async def test_self_m2m_keys(db: Backend) -> None:
    following = Member._meta.fields_map["following"]
    followers = Member._meta.fields_map["followers"]
    assert isinstance(followers, ManyToManyFieldInstance) and followers.related_model is Member
    assert (following.backward_key, following.forward_key) == ("member_id", "member_rel_id")
    assert (followers.backward_key, followers.forward_key) == ("member_rel_id", "member_id")
    assert following.through == followers.through == "member_follows"


async def test_following_and_followers(members: dict[str, Member]) -> None:
    for name in FOLLOWS:
        member = await Member.get(name=name)
        assert sorted(m.name for m in await member.following) == sorted(FOLLOWS[name])
        assert sorted(m.name for m in await member.followers) == followers_of(name)


async def test_self_m2m_filters(members: dict[str, Member]) -> None:
    async def names(qs: object) -> list[str]:
        return sorted(await qs.values_list("name", flat=True))  # type: ignore[attr-defined]

    assert await names(Member.filter(followers__name="ann")) == sorted(FOLLOWS["ann"])
    assert await names(Member.filter(following__name="cat")) == followers_of("cat")
    assert await names(Member.filter(following=members["cat"])) == followers_of("cat")
    assert await names(Member.filter(followers__isnull=True)) == sorted(n for n in FOLLOWS if not followers_of(n))
    assert await names(Member.filter(following__isnull=True)) == ["dan"]
    # ann's followees' followees
    two_steps = sorted({g for f in FOLLOWS["ann"] for g in FOLLOWS[f]})
    assert await names(Member.filter(followers__followers__name="ann").distinct()) == two_steps


async def test_self_m2m_prefetch(members: dict[str, Member]) -> None:
    with statements() as seen:
        everyone = await Member.all().prefetch_related("following__following", "followers")
    assert len(seen) == 4
    for member in everyone:
        assert sorted(m.name for m in member.followers) == followers_of(member.name)
        assert {m.name: sorted(x.name for x in m.following) for m in member.following} == {
            f: sorted(FOLLOWS[f]) for f in FOLLOWS[member.name]
        }


async def test_self_m2m_add_remove_from_either_side(members: dict[str, Member]) -> None:
    dan, ann, cat = members["dan"], members["ann"], members["cat"]
    await dan.followers.add(ann)
    assert "dan" in [m.name for m in await ann.following]
    await cat.following.remove(cat)
    assert sorted(m.name for m in await cat.followers) == [n for n in followers_of("cat") if n != "cat"]
    await ann.following.clear()
    assert await ann.following.count() == 0
    assert sorted(m.name for m in await cat.following) == ["ann"]  # cat's own links stay
