"""The OCR engine: RapidOCR's PP-OCR models (ONNX), loaded once per process.

The models ship inside the ``rapidocr_onnxruntime`` wheel and are loaded from
its package directory; nothing is downloaded.  We call the detector and the
recogniser ourselves rather than through ``RapidOCR.__call__``:

* detection runs on a copy of the page scaled down to ``DET_MAX_SIDE`` pixels
  (text lines stay tall enough to be found, and it is the slow step), while
  every line is cut out of the full-resolution page for recognition;
* recognition keeps the CTC probabilities, so that each reading comes with its
  *candidates*: the same text with one character replaced by the model's
  second choice at that place, or with a character inserted where the model
  nearly saw one (a dropped decimal point).  ``ocr_verify`` tries them when the
  table's arithmetic fails.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

# Detection input, longest side in pixels.
DET_MAX_SIDE = 1600
# Crops recognised per model call.
REC_BATCH = 6
# A second choice at least this probable makes a candidate.
ALT_MIN_PROB = 0.02
MAX_ALTERNATIVES = 12

_lock = threading.Lock()
_engine = None


@dataclass
class Reading:
    text: str
    score: float
    # other readings of the same crop, most probable first
    alternatives: list[str] = field(default_factory=list)


def model_dir() -> Path:
    import rapidocr_onnxruntime

    return Path(rapidocr_onnxruntime.__file__).resolve().parent / "models"


def engine():
    """The process's RapidOCR instance (created on first use)."""
    global _engine
    if _engine is None:
        with _lock:
            if _engine is None:
                import logging

                from rapidocr_onnxruntime import RapidOCR

                logging.getLogger("RapidOCR").setLevel(logging.ERROR)
                threads = int(os.environ.get("BUDGETLENS_OCR_THREADS", "0") or 0) or min(2, os.cpu_count() or 1)
                models = model_dir()
                _engine = RapidOCR(
                    det_model_path=str(models / "ch_PP-OCRv4_det_infer.onnx"),
                    rec_model_path=str(models / "ch_PP-OCRv4_rec_infer.onnx"),
                    cls_model_path=str(models / "ch_ppocr_mobile_v2.0_cls_infer.onnx"),
                    intra_op_num_threads=threads,
                    inter_op_num_threads=1,
                )
    return _engine


def _bgr(img: np.ndarray) -> np.ndarray:
    import cv2

    if img.ndim == 2:
        return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    if img.shape[2] == 4:
        return cv2.cvtColor(img, cv2.COLOR_RGBA2BGR)
    return img


def detect(img: np.ndarray) -> list[tuple[float, float, float, float]]:
    """Axis-aligned boxes (x0, y0, x1, y1) of the text lines in ``img``, in its pixels."""
    import cv2

    img = _bgr(img)
    h, w = img.shape[:2]
    scale = min(1.0, DET_MAX_SIDE / max(h, w))
    small = cv2.resize(img, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA) if scale < 1 else img
    boxes, _ = engine().text_det(small)
    out = []
    if boxes is None:
        return out
    for quad in boxes:
        xs = [p[0] / scale for p in quad]
        ys = [p[1] / scale for p in quad]
        out.append((max(0.0, min(xs)), max(0.0, min(ys)), min(float(w), max(xs)), min(float(h), max(ys))))
    return out


def crop(img: np.ndarray, box: tuple[float, float, float, float], pad: float = 0.0) -> np.ndarray:
    x0, y0, x1, y1 = box
    h, w = img.shape[:2]
    p = pad * (y1 - y0)
    a, b = max(0, int(x0 - p)), min(w, int(x1 + p + 0.999))
    c, d = max(0, int(y0 - p)), min(h, int(y1 + p + 0.999))
    return img[c:d, a:b]


def recognise(crops: list[np.ndarray]) -> list[Reading]:
    """Read each crop (one text line); readings with their candidates."""
    rec = engine().text_rec
    chars = rec.postprocess_op.character
    out: list[Reading | None] = [None] * len(crops)
    crops = [_bgr(c) for c in crops]
    order = sorted(range(len(crops)), key=lambda i: crops[i].shape[1] / max(1, crops[i].shape[0]))
    _, img_h, img_w = rec.rec_image_shape
    for start in range(0, len(order), REC_BATCH):
        idx = [i for i in order[start : start + REC_BATCH] if crops[i].size]
        for i in order[start : start + REC_BATCH]:
            if not crops[i].size:
                out[i] = Reading("", 0.0)
        if not idx:
            continue
        max_ratio = max([img_w / img_h] + [crops[i].shape[1] / crops[i].shape[0] for i in idx])
        batch = np.concatenate([rec.resize_norm_img(crops[i], max_ratio)[np.newaxis, :] for i in idx]).astype(np.float32)
        preds = rec.session(batch)[0]
        for k, i in enumerate(idx):
            out[i] = _decode(preds[k], chars)
    return [r if r is not None else Reading("", 0.0) for r in out]


def _decode(probs: np.ndarray, chars: list[str]) -> Reading:
    """CTC greedy decoding, plus one-edit candidates from the runner-up classes."""
    best = probs.argmax(axis=1)
    emitted: list[tuple[int, int]] = []  # (char index, time step of its peak)
    prev = -1
    for t, k in enumerate(best):
        k = int(k)
        if k != 0 and k != prev:
            emitted.append((k, t))
        elif k != 0 and k == prev and probs[t, k] > probs[emitted[-1][1], k]:
            emitted[-1] = (k, t)
        prev = k
    text = "".join(chars[k] for k, _ in emitted)
    score = float(np.mean([probs[t, k] for k, t in emitted])) if emitted else 0.0
    alts: list[tuple[float, str]] = []
    # one character replaced by the model's second choice at its peak
    for pos, (k, t) in enumerate(emitted):
        row = probs[t].copy()
        row[k] = 0.0
        row[0] = 0.0
        j = int(row.argmax())
        if row[j] >= ALT_MIN_PROB:
            alts.append((float(row[j]), text[:pos] + chars[j] + text[pos + 1 :]))
    # one character the model nearly emitted where it chose blank
    pos = 0
    prev = -1
    for t, k in enumerate(best):
        k = int(k)
        if k != 0 and k != prev:
            pos += 1
        if k == 0:
            row = probs[t].copy()
            row[0] = 0.0
            j = int(row.argmax())
            if row[j] >= ALT_MIN_PROB * 5:
                alts.append((float(row[j]), text[:pos] + chars[j] + text[pos:]))
        prev = k
    seen = {text}
    ordered = []
    for _, alt in sorted(alts, key=lambda a: -a[0]):
        if alt not in seen:
            seen.add(alt)
            ordered.append(alt)
    return Reading(text, score, ordered[:MAX_ALTERNATIVES])
