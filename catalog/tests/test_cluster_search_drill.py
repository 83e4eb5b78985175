"""Cluster drill: two OpenSearch nodes, each index with one replica; one node stops.

Search keeps answering from the engine (the client moves to the node that answers)
with the same hits; a seller's edit is indexed as it is today (the transactional
queue, sent once the engine accepts it), not held anywhere else; when the node
returns it has the same documents as its peer. Stops only the cluster topology's
own node (`make cluster`).

A two-node cluster keeps a cluster manager only while the node in its voting
configuration lives (it votes with an odd number), so the drill stops the other
one; surviving the loss of either node takes three manager-eligible nodes.
"""

import time
import uuid
from decimal import Decimal

import pytest
import requests

from catalog.models import SearchQueueEntry
from catalog.search import indexer
from shop import search_engine
from shop.testing import cluster

pytestmark = [pytest.mark.cluster, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cluster_search(settings, cluster_topology):
    settings.SEARCH_URL = cluster_topology["SEARCH_URL"]
    settings.SEARCH_REPLICAS = int(cluster_topology["SEARCH_REPLICAS"])
    settings.SEARCH_INDEX_PREFIX = f"drill-{uuid.uuid4().hex[:12]}"
    # A stopped node refuses connections at once; the drill is about that, not about latency, so a
    # loaded machine's slow answer must not send a search to the database fallback.
    settings.SEARCH_TIMEOUT = 15.0
    indexer.ensure_indices()
    yield settings.SEARCH_URL.split(",")
    search_engine.admin_client().indices.delete(index=f"{settings.SEARCH_INDEX_PREFIX}-*", ignore_unavailable=True)


def _nodes(url: str) -> dict[str, str]:
    """node name → its HTTP address, and which one is the elected cluster manager (key 'manager')."""
    nodes = requests.get(f"{url}/_nodes/http", timeout=10).json()["nodes"]
    state = requests.get(f"{url}/_cluster/state/cluster_manager_node", timeout=10).json()
    names = {node_id: node["name"] for node_id, node in nodes.items()}
    found = {node["name"]: f"http://{node['http']['publish_address']}" for node in nodes.values()}
    found["manager"] = names[state["cluster_manager_node"]]
    return found


def _local_hits(url: str, index: str, query: str) -> list[int]:
    """The hits one node finds in its own copy of the index."""
    answer = requests.get(f"{url}/{index}/_search", params={"q": query, "preference": "_local"}, timeout=10).json()
    return sorted(int(hit["_id"]) for hit in answer["hits"]["hits"])


def _health(url: str, index: str, status: str) -> dict:
    return requests.get(
        f"{url}/_cluster/health/{index}", params={"wait_for_status": status, "timeout": "60s"}, timeout=70
    ).json()


def test_stopping_one_search_node_search_answers_from_the_other_with_the_same_hits(
    api, api_as, seller, cluster_search, settings
):
    from catalog.services import create_product
    from catalog.tests.factories import CategoryFactory

    category = CategoryFactory()
    kettles = [
        create_product(seller=seller, title=title, price=Decimal("35.00"), stock=4, category=category)
        for title in ("Stainless steel kettle", "Whistling kettle", "Electric kettle", "Teapot")
    ]
    indexer.process_queue()
    index = search_engine.index_name("products")
    assert _health(cluster_search[0], index, "green")["status"] == "green"  # both copies placed
    replicas = search_engine.admin_client().indices.get_settings(index=index)
    assert {value["settings"]["index"]["number_of_replicas"] for value in replicas.values()} == {"1"}
    nodes = _nodes(cluster_search[0])
    victim = next(name for name in ("search1", "search2") if name != nodes["manager"])
    survivor = nodes[nodes["manager"]]
    before = api.get("/api/v1/search", {"q": "kettle"}).json()

    cluster("down", victim)
    try:
        during = [api.get("/api/v1/search", {"q": "kettle"}).json() for _ in range(6)]  # both nodes in turn
        edited = api_as(seller).patch(f"/api/v1/products/{kettles[3].pk}", {"title": "Copper kettle"}, format="json")
        queued = SearchQueueEntry.objects.count()  # the commit sent the queue, as it does with every node up
        after_edit = api.get("/api/v1/search", {"q": "copper"}).json()
        health = _health(survivor, index, "yellow")
    finally:
        cluster("up", victim)
    back = _health(survivor, index, "green")
    deadline = time.monotonic() + 60
    while _local_hits(nodes[victim], index, "kettle") != _local_hits(survivor, index, "kettle"):
        assert time.monotonic() < deadline, "the returning node did not catch up"
        time.sleep(1)

    expected = sorted(product.pk for product in kettles[:3])
    assert before["engine"] == "search" and sorted(hit["id"] for hit in before["results"]) == expected
    for answer in during:
        assert answer["engine"] == "search"  # the engine answered, not the database fallback
        assert sorted(hit["id"] for hit in answer["results"]) == expected
    assert edited.status_code == 200
    assert queued == 0  # indexed at once by the surviving node: nothing waits, here or elsewhere
    assert [hit["id"] for hit in after_edit["results"]] == [kettles[3].pk]
    assert health["status"] == "yellow" and health["number_of_nodes"] == 1  # one copy of each shard left
    assert back["status"] == "green" and back["number_of_nodes"] == 2
    assert _local_hits(nodes[victim], index, "kettle") == sorted(product.pk for product in kettles)
