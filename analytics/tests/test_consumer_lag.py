"""The consumer-lag reading waits out a coordinator that is not ready yet (a new broker loads its
`__consumer_offsets` on the first group request) and gives up on anything else."""

import pytest
from confluent_kafka import KafkaError, KafkaException

from analytics.consumer import _committed_offsets


class Reader:
    """Answers `committed` with the errors it is given, then with the offsets."""

    def __init__(self, *errors):
        self.errors = list(errors)
        self.asked = 0

    def committed(self, partitions, timeout):
        self.asked += 1
        if self.errors:
            raise KafkaException(KafkaError(self.errors.pop(0)))
        return partitions


def test_a_coordinator_still_loading_is_asked_again():
    reader = Reader(KafkaError.NOT_COORDINATOR, KafkaError.COORDINATOR_LOAD_IN_PROGRESS)

    assert _committed_offsets(reader, ["p0"], wait=5) == ["p0"]
    assert reader.asked == 3


def test_other_errors_are_raised_at_once():
    reader = Reader(KafkaError.GROUP_AUTHORIZATION_FAILED)

    with pytest.raises(KafkaException):
        _committed_offsets(reader, ["p0"], wait=5)
    assert reader.asked == 1


def test_a_coordinator_that_never_comes_is_given_up_on():
    reader = Reader(*[KafkaError.NOT_COORDINATOR] * 100)

    with pytest.raises(KafkaException, match=r"NOT_COORDINATOR|Not coordinator"):
        _committed_offsets(reader, ["p0"], wait=0.6)
    assert 2 <= reader.asked < 10
