"""Clause support (pipeline/match/clause_support.py): a long claim whose parts are each said in a
different passage, against one of which only one part is said."""

from __future__ import annotations

import pytest

from pipeline.config import load_settings
from pipeline.match.choice import lexical_judge
from pipeline.match.clause_support import clause_support
from pipeline.match.judge import Candidate, PairJudgement
from pipeline.match.matcher import judge_passages_many
from pipeline.match.ranking import index_passages
from pipeline.match.verdict import Decision


@pytest.fixture(scope="module")
def settings():
    return load_settings()


def decided(claim: str, passages: list[str], settings, judge=None) -> tuple[str, Decision]:
    decisions: list[Decision] = []
    judged = judge_passages_many([(claim, passages)], settings, judge,
                                 observe=lambda _, decision: decisions.append(decision))
    return judged[0].verdict, decisions[0]


# (claim, its first part said alone, its other part said alone, a passage about neither)
LONG_CLAIMS = [
    ("Swimming twice a week lowered resting blood pressure in older adults, and the swimmers also reported "
     "better sleep at night.",
     "Among older adults, swimming twice a week lowered resting blood pressure.",
     "The swimmers also reported sleeping better at night.",
     "Changing rooms were refurbished during the study."),
    ("Nurses who worked night shifts gained more weight over five years, and they were more likely to develop "
     "type 2 diabetes than day staff.",
     "Over five years, nurses on night shifts gained more weight than colleagues on day shifts.",
     "Night-shift nurses were also more likely than day staff to develop type 2 diabetes.",
     "Most nurses worked in city hospitals."),
    ("Children who ate breakfast every day scored higher on reading tests, while those who skipped it were "
     "more often absent from school.",
     "Pupils eating breakfast daily got higher reading scores.",
     "Pupils who skipped breakfast missed school more often.",
     "Teachers marked the tests."),
    ("The trial found that daily walking eased knee pain in people with arthritis, but the authors warn that "
     "the benefit faded once the walking stopped.",
     "Daily walking eased knee pain among people with arthritis in the trial.",
     "The authors warn that the benefit faded after participants stopped walking.",
     "The trial ran for twelve weeks."),
]
FILLER = "Questionnaires were posted each year."


@pytest.mark.parametrize(("claim", "first", "second", "neither"), LONG_CLAIMS)
def test_a_long_claim_said_in_parts_by_several_passages_is_not_unsupported(settings, claim, first, second,
                                                                           neither):
    verdict, decision = decided(claim, [first, FILLER, second], settings)
    assert verdict in ("supported", "partially_supported")
    assert decision.inputs.named()["clauses"] >= 2


@pytest.mark.parametrize(("claim", "first", "second", "neither"),
                         [LONG_CLAIMS[0], LONG_CLAIMS[1], LONG_CLAIMS[3]])
def test_every_clause_said_somewhere_gives_a_full_clause_share(settings, claim, first, second, neither):
    assert decided(claim, [first, FILLER, second], settings)[1].inputs.named()["clause_share"] == 1.0


@pytest.mark.parametrize(("claim", "first", "second", "neither"), [LONG_CLAIMS[0], LONG_CLAIMS[2]])
def test_a_part_said_nowhere_lowers_the_clause_share(settings, claim, first, second, neither):
    both = decided(claim, [first, FILLER, second], settings)[1].inputs.named()["clause_share"]
    one = decided(claim, [first, FILLER, neither], settings)[1].inputs.named()["clause_share"]
    assert one < both and one <= 0.5


@pytest.mark.parametrize(("claim", "first", "second", "neither"), [LONG_CLAIMS[2]])
def test_a_long_claim_of_which_one_part_is_said_is_not_supported(settings, claim, first, second, neither):
    assert decided(claim, [first, FILLER, neither], settings)[0] != "supported"


# Still called supported (docs/decisions.md "Clause support"): the lexical judge gives the unsaid
# clause support from a passage sharing one word with it ("day staff", "walking"), or the
# fully_supported model weighs the clause share below the claim's overall support.
@pytest.mark.xfail(strict=True, reason="one part said, the rest not: called supported (docs/decisions.md)")
@pytest.mark.parametrize(("claim", "first", "second", "neither"), [LONG_CLAIMS[0], LONG_CLAIMS[1], LONG_CLAIMS[3]])
def test_known_gaps_one_part_said(settings, claim, first, second, neither):
    assert decided(claim, [first, FILLER, neither], settings)[0] != "supported"


def test_a_claim_of_one_clause_is_its_own_clause(settings):
    _, decision = decided("Regular swimming lowered resting blood pressure in older adults.",
                          ["Among older adults, regular swimming lowered resting blood pressure.", FILLER], settings)
    named = decision.inputs.named()
    assert named["clauses"] == 0
    assert named["clause_share"] == (1.0 if named["support_max"] >= settings.match.support_min else 0.0)


class _AgreeableJudge:
    """A judge of our own (a `module:` judge) that supports every passage and reads no features."""

    name = "agreeable"
    wants_features = False

    def judge(self, claim: str, candidates: list[Candidate]) -> list[PairJudgement]:
        return [PairJudgement(0.9, 0.0) for _ in candidates]


def test_the_clause_support_is_the_lexical_judges_whichever_judge_answers(settings):
    claim, first, _, neither = LONG_CLAIMS[0]
    passages = [first, FILLER, neither]
    lexical = decided(claim, passages, settings)[1].inputs.named()["clause_share"]
    other = decided(claim, passages, settings, _AgreeableJudge())[1].inputs.named()["clause_share"]
    assert other == lexical < 1.0  # the agreeable judge would have said every clause is supported


def test_clause_support_judges_each_clause_against_its_own_passages(settings):
    claim, first, second, neither = LONG_CLAIMS[0]
    index, places = index_passages([first, FILLER, second], settings)
    both = clause_support(claim, range(3), index, places, [""] * 3, settings, frozenset(), lexical_judge(settings))
    assert len(both) == 2 and min(both) >= settings.match.support_min
    index, places = index_passages([first, FILLER, neither], settings)
    one = clause_support(claim, range(3), index, places, [""] * 3, settings, frozenset(), lexical_judge(settings))
    assert len(one) == 2 and one[0] >= settings.match.support_min > one[1]
