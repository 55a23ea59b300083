"""The nli judge with a tiny ONNX model built here (random weights, plus two words made to
mean "entails" and "contradicts"), and a tokenizer.json built with `tokenizers`: the test
checks the plumbing (pair encoding, padding under the attention mask, batching), the label
mapping and the verdicts that follow, not accuracy. The probabilities are compared with the
same arithmetic done in numpy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

onnx = pytest.importorskip("onnx", reason="the nli extra is not installed (pip install 'claimcheck[nli]')")
np = pytest.importorskip("numpy", reason="the nli extra is not installed")
pytest.importorskip("onnxruntime", reason="the nli extra is not installed (pip install 'claimcheck[nli]')")
tokenizers = pytest.importorskip("tokenizers", reason="the nli extra is not installed")

from onnx import TensorProto, helper  # noqa: E402

from pipeline.config import load_settings  # noqa: E402
from pipeline.errors import ConfigError  # noqa: E402
from pipeline.match.choice import build_judge, get_judge  # noqa: E402
from pipeline.match.judge import Candidate, JudgeRequest  # noqa: E402
from pipeline.match.matcher import judge_passages  # noqa: E402
from pipeline.match.nli_judge import label_stances  # noqa: E402

WORDS = ("oats lower cholesterol in adults the trial found that a daily bowl of reduced ldl by ten percent "
         "we measured sleep mood and weight over twelve weeks in mice agrees denies").split()
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]
# Output order of the model: contradiction, neutral, entailment (as config.json says).
ID2LABEL = {"0": "CONTRADICTION", "1": "NEUTRAL", "2": "ENTAILMENT"}


def _tokenizer(path: Path) -> dict[str, int]:
    from tokenizers import Tokenizer, models, pre_tokenizers, processors

    vocab = {token: index for index, token in enumerate(SPECIAL + sorted(set(WORDS)))}
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])],
    )
    tokenizer.save(str(path))
    return vocab


def _model(path: Path, vocab: dict[str, int], labels: int = 3, seed: int = 7) -> np.ndarray:
    """A bag-of-embeddings classifier: logits = sum over unmasked tokens of E[token] (E is
    vocab × labels). Returns E, for the reference arithmetic."""
    rng = np.random.default_rng(seed)
    table = rng.normal(0.0, 0.3, size=(len(vocab), labels)).astype(np.float32)
    if labels == 3:
        table[vocab["agrees"]] = [0.0, 0.0, 6.0]
        table[vocab["denies"]] = [6.0, 0.0, 0.0]
    nodes = [
        helper.make_node("Gather", ["table", "input_ids"], ["embedded"]),
        helper.make_node("Cast", ["attention_mask"], ["mask_float"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["mask_float", "axis_last"], ["mask3"]),
        helper.make_node("Mul", ["embedded", "mask3"], ["masked"]),
        helper.make_node("ReduceSum", ["masked", "axis_seq"], ["logits"], keepdims=0),
    ]
    graph = helper.make_graph(
        nodes, "tiny_nli",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"]),
         helper.make_tensor_value_info("token_type_ids", TensorProto.INT64, ["batch", "sequence"])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", labels])],
        initializer=[helper.make_tensor("table", TensorProto.FLOAT, table.shape, table.flatten().tolist()),
                     helper.make_tensor("axis_last", TensorProto.INT64, [1], [2]),
                     helper.make_tensor("axis_seq", TensorProto.INT64, [1], [1])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return table


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> tuple[Path, np.ndarray, dict[str, int]]:
    folder = tmp_path_factory.mktemp("nli")
    vocab = _tokenizer(folder / "tokenizer.json")
    table = _model(folder / "model.onnx", vocab)
    (folder / "config.json").write_text(json.dumps({"id2label": ID2LABEL}), encoding="utf-8")
    return folder, table, vocab


@pytest.fixture(scope="module")
def settings():
    return load_settings()


def _reference(claim: str, passage: str, table: np.ndarray, vocab: dict[str, int]) -> np.ndarray:
    """Softmax of the model's logits for one pair, in numpy."""
    ids = [vocab["[CLS]"], *(vocab.get(word, vocab["[UNK]"]) for word in claim.split()), vocab["[SEP]"],
           *(vocab.get(word, vocab["[UNK]"]) for word in passage.split()), vocab["[SEP]"]]
    logits = table[ids].sum(axis=0).astype(np.float64)
    values = np.exp(logits - logits.max())
    return values / values.sum()


CLAIM = "oats lower ldl in adults"
PASSAGES = [
    "the trial found that a daily bowl of oats reduced ldl by ten percent agrees",
    "we measured sleep mood and weight over twelve weeks",
    "in mice oats denies lower cholesterol",
    "oats lower cholesterol in adults",
    "a daily bowl",
]


def test_probabilities_follow_the_model_through_padding_and_batches(model_dir, settings) -> None:
    folder, table, vocab = model_dir
    candidates = [Candidate(text, text, 0.5) for text in PASSAGES]
    for batch in (1, 2, 16):
        judge = build_judge(settings.with_judge(use=f"nli:{folder}", nli_batch_size=batch))
        answers = judge.judge(CLAIM, candidates)
        for passage, answer in zip(PASSAGES, answers, strict=True):
            expected = _reference(CLAIM, passage, table, vocab)
            # config.json: 0 contradiction, 1 neutral, 2 entailment.
            assert answer.support == pytest.approx(expected[2], abs=1e-5)
            assert answer.contradict == pytest.approx(expected[0], abs=1e-5)
            assert answer.stance == ("contradicts", "unrelated", "supports")[int(expected.argmax())]
            assert answer.judge == f"nli:{folder}"
    assert answers[0].stance == "supports" and answers[2].stance == "contradicts"
    assert answers[0].reason.endswith(f"(p {answers[0].support:.2f})")


def test_many_claims_are_batched_together_and_split_back(model_dir, settings) -> None:
    folder, table, vocab = model_dir
    judge = build_judge(settings.with_judge(use=f"nli:{folder}", nli_batch_size=3))
    requests = [JudgeRequest(claim, tuple(Candidate(text, text, 0.5) for text in PASSAGES[:count]))
                for claim, count in (("oats lower ldl", 2), ("mice sleep", 0), ("daily bowl of oats", 5))]
    answers = judge.judge_many(requests)
    assert [len(found) for found in answers] == [2, 0, 5]
    for request, found in zip(requests, answers):
        for candidate, answer in zip(request.candidates, found):
            assert answer.support == pytest.approx(_reference(request.claim, candidate.text, table, vocab)[2], abs=1e-5)


def test_the_label_mapping_comes_from_settings_before_config_json(model_dir, settings) -> None:
    folder, table, vocab = model_dir
    # Read the outputs the other way round: what the model calls entailment is now "contradicts".
    flipped = build_judge(settings.with_judge(use=f"nli:{folder}", nli_labels=("supports", "related", "contradicts")))
    answer = flipped.judge(CLAIM, [Candidate(PASSAGES[0], PASSAGES[0], 0.5)])[0]
    expected = _reference(CLAIM, PASSAGES[0], table, vocab)
    assert answer.stance == "contradicts" and answer.contradict == pytest.approx(expected[2], abs=1e-5)
    assert label_stances((), {"id2label": {"0": "entailment", "1": "not_entailment"}}) == ("supports", "unrelated")
    with pytest.raises(ConfigError, match="not a known NLI label"):
        label_stances((), {"id2label": {"0": "LABEL_0", "1": "LABEL_1"}})
    with pytest.raises(ConfigError, match="nli_labels"):
        label_stances(("supports", "maybe"), None)


def test_the_verdict_follows_the_models_stances(model_dir, settings) -> None:
    folder, _, _ = model_dir
    chosen = settings.with_judge(use=f"nli:{folder}")
    supported = judge_passages(CLAIM, [PASSAGES[0], PASSAGES[1]], chosen)
    assert (supported.verdict, supported.judge) == ("supported", f"nli:{folder}")
    assert "NLI model reads it as supporting" in supported.reason
    contradicted = judge_passages(CLAIM, [PASSAGES[2], PASSAGES[1]], chosen)
    assert contradicted.verdict == "contradicted" and 0 in contradicted.evidence


def test_a_model_whose_outputs_do_not_match_the_labels_is_refused(tmp_path, settings) -> None:
    vocab = _tokenizer(tmp_path / "tokenizer.json")
    _model(tmp_path / "model.onnx", vocab, labels=2)
    with pytest.raises(ConfigError, match="gives 2 labels but 3 stances"):
        get_judge(settings.with_judge(use=f"nli:{tmp_path}", nli_labels=("supports", "unrelated", "contradicts")))
    with pytest.raises(ConfigError, match="needs \\[judge\\] nli_labels"):
        get_judge(settings.with_judge(use=f"nli:{tmp_path}"))  # no config.json
    with pytest.raises(ConfigError, match="needs model.onnx"):
        get_judge(settings.with_judge(use=f"nli:{tmp_path / 'nowhere'}"))
