"""The `nli:PATH` judge: a local sequence-pair classification model in ONNX.

PATH is the model's folder, holding `model.onnx` and `tokenizer.json` (a Hugging Face
`tokenizers` file) and optionally `config.json`, or the `.onnx` file itself with the other
two beside it. Nothing is downloaded: the files are the desk's own (docs/judges.md says how
to export one). onnxruntime, tokenizers and numpy come with the optional extra
`pip install 'claimcheck[nli]'`.

The model reads (claim, passage) as a text pair (`[judge] nli_max_length` tokens, the longer
text cut first) and gives one logit per label; the labels' stances come from
`[judge] nli_labels` (in output order), else from `id2label` in config.json read through
LABEL_NAMES. A passage's support is the softmax probability of the labels that mean
"supports", its contradiction that of "contradicts", its stance the most probable label's.
Pairs go to the model `[judge] nli_batch_size` at a time, padded to the longest in the batch.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import ConfigError
from .judge import STANCES, Candidate, JudgeFailure, JudgeRequest, PairJudgement

NLI_EXTRA = "pip install 'claimcheck[nli]'"
# Label names exported models use (config.json id2label), by the stance each means. A
# name not here must be given in [judge] nli_labels.
LABEL_NAMES: dict[str, str] = {
    "entailment": "supports", "entailed": "supports", "entails": "supports", "supported": "supports",
    "supports": "supports", "support": "supports", "consistent": "supports",
    "contradiction": "contradicts", "contradicts": "contradicts", "contradict": "contradicts",
    "refuted": "contradicts", "refutes": "contradicts",
    "neutral": "unrelated", "not_entailment": "unrelated", "not_entailed": "unrelated",
    "unsupported": "unrelated", "not_supported": "unrelated", "inconsistent": "unrelated",
    "not_enough_info": "unrelated", "nei": "unrelated",
}


def label_stances(configured: Sequence[str], config: dict[str, Any] | None) -> tuple[str, ...]:
    """The stance of each model output: `configured` ([judge] nli_labels) when given, else
    from config.json's id2label; ConfigError when neither says."""
    if configured:
        wrong = [label for label in configured if label not in STANCES]
        if wrong:
            raise ConfigError(f"setting judge.nli_labels: {wrong[0]!r} is not one of {', '.join(STANCES)}")
        return tuple(configured)
    id2label = (config or {}).get("id2label")
    if not isinstance(id2label, dict) or not id2label:
        raise ConfigError("the nli judge needs [judge] nli_labels (the stance of each model output, in order): "
                          "the model has no config.json with id2label")
    try:
        ordered = [str(id2label[key]) for key in sorted(id2label, key=int)]
    except ValueError:
        raise ConfigError("config.json id2label keys are not output numbers; set [judge] nli_labels") from None
    stances = []
    for name in ordered:
        stance = LABEL_NAMES.get(re.sub(r"[\s-]+", "_", name.strip().lower()))
        if stance is None:
            raise ConfigError(f"the model's label {name!r} is not a known NLI label; set [judge] nli_labels")
        stances.append(stance)
    return tuple(stances)


def judgements_from_logits(logits: Sequence[Sequence[float]], stances: Sequence[str]) -> list[PairJudgement]:
    """One PairJudgement per row of logits (softmax over the row; see the module docstring)."""
    import numpy as np

    values = np.asarray(logits, dtype=np.float64)
    values = np.exp(values - values.max(axis=1, keepdims=True))
    probabilities = values / values.sum(axis=1, keepdims=True)
    supports = np.array([stance == "supports" for stance in stances])
    contradicts = np.array([stance == "contradicts" for stance in stances])
    answers = []
    for row in probabilities:
        best = int(row.argmax())
        stance = stances[best]
        support, contradict = float(row[supports].sum()), float(row[contradicts].sum())
        reason = ""
        if stance in ("supports", "partially_supports", "contradicts"):
            verb = "contradicting" if stance == "contradicts" else "supporting"
            reason = f"the NLI model reads it as {verb} the claim (p {float(row[best]):.2f})"
        answers.append(PairJudgement(support, contradict, reason, stance=stance))
    return answers


def model_files(path: str) -> tuple[Path, Path, Path]:
    """(model.onnx, tokenizer.json, config.json) for PATH, a folder or an .onnx file;
    ConfigError when the model or the tokenizer is missing."""
    given = Path(path)
    folder, model = (given.parent, given) if given.suffix == ".onnx" else (given, given / "model.onnx")
    tokenizer = folder / "tokenizer.json"
    for needed in (model, tokenizer):
        if not needed.is_file():
            raise ConfigError(f"the nli judge needs {needed.name} in {folder}", path=str(needed))
    return model, tokenizer, folder / "config.json"


class NliJudge:
    """The model at PATH (see the module docstring)."""

    wants_features = False

    def __init__(self, settings: Settings, path: str) -> None:
        """Load the model and tokenizer at `path`; ConfigError when they cannot be used."""
        try:
            import numpy  # noqa: F401
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError:
            raise ConfigError(f"the nli judge needs onnxruntime and tokenizers: {NLI_EXTRA}") from None
        model_file, tokenizer_file, config_file = model_files(path)
        self.settings = settings
        self.name = f"nli:{path}"
        config = _read_json(config_file) if config_file.is_file() else None
        self.stances = label_stances(settings.judge.nli_labels, config)
        try:
            self.session = onnxruntime.InferenceSession(str(model_file), providers=["CPUExecutionProvider"])
            self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
        except Exception as error:  # onnxruntime and tokenizers raise their own untyped errors
            raise ConfigError(f"cannot load the nli model: {_first_line(error)}", path=path) from None
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(settings.judge.nli_max_length, strategy="longest_first")
        self.inputs = {item.name: item.type for item in self.session.get_inputs()}
        if "input_ids" not in self.inputs:
            raise ConfigError("the nli model has no input_ids input", path=path)
        width = self.session.get_outputs()[0].shape[-1]
        if isinstance(width, int) and width != len(self.stances):
            raise ConfigError(f"the nli model gives {width} labels but {len(self.stances)} stances are set "
                              "([judge] nli_labels or config.json)", path=path)
        self.pad_id = _pad_id(self.tokenizer)
        digest = hashlib.sha256()
        for part in (model_file, tokenizer_file):
            digest.update(part.read_bytes())
        # What an answer depends on: the model's and tokenizer's bytes, the stances, the length read.
        self.cache_id = (f"nli:{digest.hexdigest()[:16]}:{','.join(self.stances)}:"
                         f"{settings.judge.nli_max_length}")

    def judge(self, claim: str, candidates: Sequence[Candidate]) -> list[PairJudgement]:
        """The model's judgement of each candidate."""
        return self.classify([(claim, candidate.text) for candidate in candidates])

    def judge_many(self, requests: Sequence[JudgeRequest]) -> list[list[PairJudgement] | JudgeFailure]:
        """Every request's pairs, batched together across requests."""
        pairs = [(request.claim, candidate.text) for request in requests for candidate in request.candidates]
        try:
            answers = self.classify(pairs)
        except Exception as error:  # an inference error of onnxruntime (shape, type) for these inputs
            failure = JudgeFailure(f"the nli model failed: {_first_line(error)}")
            return [failure for _ in requests]
        out: list[list[PairJudgement] | JudgeFailure] = []
        start = 0
        for request in requests:
            out.append(answers[start : start + len(request.candidates)])
            start += len(request.candidates)
        return out

    def classify(self, pairs: Sequence[tuple[str, str]]) -> list[PairJudgement]:
        """One judgement per (claim, passage) pair, in order."""
        answers: list[PairJudgement] = []
        size = max(1, self.settings.judge.nli_batch_size)
        for start in range(0, len(pairs), size):
            answers.extend(judgements_from_logits(self._logits(pairs[start : start + size]), self.stances))
        return answers

    def _logits(self, pairs: Sequence[tuple[str, str]]) -> Any:
        import numpy as np

        encodings = self.tokenizer.encode_batch(list(pairs))
        width = max(len(encoding.ids) for encoding in encodings)
        dtype = np.int32 if self.inputs["input_ids"] == "tensor(int32)" else np.int64
        ids = np.full((len(encodings), width), self.pad_id, dtype=dtype)
        mask = np.zeros((len(encodings), width), dtype=dtype)
        types = np.zeros((len(encodings), width), dtype=dtype)
        for row, encoding in enumerate(encodings):
            length = len(encoding.ids)
            ids[row, :length] = encoding.ids
            mask[row, :length] = 1
            types[row, :length] = encoding.type_ids
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        return self.session.run(None, {name: value for name, value in feed.items() if name in self.inputs})[0]


def _pad_id(tokenizer: Any) -> int:
    """The tokenizer's padding id: its pad token's, else 0 (the attention mask hides it anyway)."""
    for token in ("[PAD]", "<pad>", "<|pad|>"):
        found = tokenizer.token_to_id(token)
        if found is not None:
            return int(found)
    return 0


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ConfigError(f"cannot read the nli model's config.json: {error}", path=str(path)) from None
    return loaded if isinstance(loaded, dict) else None


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0][:200] if lines else type(error).__name__
