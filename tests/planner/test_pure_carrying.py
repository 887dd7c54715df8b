"""Which confirmed assignments a new run keeps, without a database: the order of the checks,
the room they take, and the reasons given for the others."""

import numpy as np
import pytest

from planner.carrying import NO_CONSENT, Claim, carry_confirmed
from planner.matching import UNLIMITED


def carry(claims, capacity, needed):
    return carry_confirmed(
        claims,
        capacity=np.array(capacity, dtype=np.int64),
        needed=np.array(needed, dtype=np.int64),
        full="full",
        enough="enough",
    )


def test_it_keeps_allowed_assignments_and_takes_their_room():
    carried = carry([Claim(0, 0), Claim(1, 0)], capacity=[2], needed=[1, 1])

    assert carried.kept == [0, 1] and carried.dropped == []
    assert carried.capacity.tolist() == [0]
    assert carried.filled.tolist() == [1, 1]


def test_it_reports_people_no_longer_planned_first():
    carried = carry([Claim(0, 0, "the supporter is away"), Claim(-1, 0)], capacity=[1], needed=[1])

    assert carried.dropped == [(1, NO_CONSENT), (0, "the supporter is away")]
    assert carried.kept == []
    assert carried.capacity.tolist() == [1]


def test_it_drops_a_refused_pair_before_looking_at_room():
    carried = carry([Claim(0, 0, "the shelter is closed")], capacity=[0], needed=[1])

    assert carried.dropped == [(0, "the shelter is closed")]


def test_it_drops_what_no_longer_fits_in_the_order_given():
    claims = [Claim(0, 0), Claim(1, 0), Claim(0, 1), Claim(0, 2)]

    carried = carry(claims, capacity=[1, 1, 1], needed=[2, 1])

    # Person 1 finds supporter 0 taken; person 0 needs two and has them before claim 3.
    assert carried.kept == [0, 2]
    assert carried.dropped == [(1, "full"), (3, "enough")]
    assert carried.capacity.tolist() == [0, 0, 1]
    assert carried.filled.tolist() == [2, 0]


def test_it_never_runs_out_of_room_without_a_limit():
    carried = carry([Claim(p, 0) for p in range(3)], capacity=[UNLIMITED], needed=[1, 1, 1])

    assert carried.kept == [0, 1, 2]
    assert carried.capacity.tolist() == [UNLIMITED]


def test_it_refuses_a_target_not_open_without_a_reason():
    with pytest.raises(ValueError, match="needs a refusal"):
        carry([Claim(0, -1)], capacity=[1], needed=[1])


def test_a_refusal_reads_as_its_english_sentence_and_in_the_readers_language():
    from django.utils import translation

    from planner.refusals import Refusal, in_words

    far = Refusal(
        "the supporter lives %(distance)s m away, beyond %(reach)s m", distance=620, reach=500
    )

    assert far == "the supporter lives 620 m away, beyond 500 m"
    assert far.values == {"distance": 620, "reach": 500}
    with translation.override("ja"):
        assert (
            in_words(far.message, far.values) == "支援者の家まで 620 m あり、500 m を超えています"
        )
        assert in_words("a sentence nobody translated") == "a sentence nobody translated"
