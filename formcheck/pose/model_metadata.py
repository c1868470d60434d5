"""TFLite metadata for the legacy BlazePose models, written without TensorFlow.

The Tasks API refuses a float32 image model without ``NormalizationOptions``
metadata. mediapipe's own metadata writer imports a compiled module its wheel
lacks, so we build the metadata flatbuffer directly from the pure-Python
schema mediapipe ships, and append it to the model as the
``TFLITE_METADATA`` buffer, as the official writer does. Every buffer is
packed 16-byte aligned, as the TFLite schema asks.
"""

from __future__ import annotations

import flatbuffers
import numpy as np

# (imported by model.build_from_wheel after model.prepare_mediapipe_import: nothing in the home folder)
from mediapipe.tasks.metadata import metadata_schema_py_generated as meta_fb
from mediapipe.tasks.metadata import schema_py_generated as model_fb

_METADATA_NAME = "TFLITE_METADATA"
_MIN_PARSER_VERSION = "1.0.0"


def _image_input(mean: float, std: float) -> meta_fb.TensorMetadataT:
    tensor = meta_fb.TensorMetadataT()
    tensor.name = "image"
    content = meta_fb.ContentT()
    props = meta_fb.ImagePropertiesT()
    props.colorSpace = meta_fb.ColorSpaceType.RGB
    content.contentProperties = props
    content.contentPropertiesType = meta_fb.ContentProperties.ImageProperties
    tensor.content = content
    norm = meta_fb.NormalizationOptionsT()
    norm.mean = [mean]
    norm.std = [std]
    unit = meta_fb.ProcessUnitT()
    unit.optionsType = meta_fb.ProcessUnitOptions.NormalizationOptions
    unit.options = norm
    tensor.processUnits = [unit]
    return tensor


#: The TFLite schema declares ``Buffer.data`` with ``force_align: 16``; the Python
#: flatbuffers code ignores it, so the buffers are packed here by hand.
BUFFER_ALIGN = 16


class _Aligned16Buffer:
    """A TFLite buffer whose data starts on a :data:`BUFFER_ALIGN`-byte boundary when packed.

    Stands in for ``BufferT`` in ``ModelT.buffers``: packing only calls ``Pack``.
    """

    def __init__(self, data: bytes | np.ndarray | None, offset: int, size: int) -> None:
        self.data, self.offset, self.size = data, offset, size

    def Pack(self, builder: flatbuffers.Builder) -> int:  # noqa: N802 - the flatbuffers API name
        data = None
        if self.data is not None:
            payload = bytes(self.data) if not isinstance(self.data, np.ndarray) else self.data.tobytes()
            builder.StartVector(1, len(payload), BUFFER_ALIGN)
            builder.head -= len(payload)
            builder.Bytes[builder.head:builder.head + len(payload)] = payload
            data = builder.EndVector()
        model_fb.BufferStart(builder)
        if data is not None:
            model_fb.BufferAddData(builder, data)
        model_fb.BufferAddOffset(builder, self.offset)
        model_fb.BufferAddSize(builder, self.size)
        return int(model_fb.BufferEnd(builder))


def _with_metadata(model_bytes: bytes, name: str, mean: float, std: float, n_outputs: int) -> bytes:
    model = model_fb.ModelT.InitFromPackedBuf(bytearray(model_bytes), 0)
    subgraph = meta_fb.SubGraphMetadataT()
    subgraph.inputTensorMetadata = [_image_input(mean, std)]
    outputs = []
    for i in range(n_outputs):
        out = meta_fb.TensorMetadataT()
        out.name = f"output_{i}"
        outputs.append(out)
    subgraph.outputTensorMetadata = outputs
    metadata = meta_fb.ModelMetadataT()
    metadata.name = name
    metadata.description = "BlazePose model from mediapipe 0.10.21 with image metadata added by formcheck"
    metadata.subgraphMetadata = [subgraph]
    metadata.minParserVersion = _MIN_PARSER_VERSION

    builder = flatbuffers.Builder(1024)
    builder.Finish(metadata.Pack(builder), file_identifier=b"M001")
    buffer = model_fb.BufferT()
    buffer.data = bytes(builder.Output())

    model.buffers = [_Aligned16Buffer(b.data, b.offset, b.size) for b in [*(model.buffers or []), buffer]]
    entry = model_fb.MetadataT()
    entry.name = _METADATA_NAME
    entry.buffer = len(model.buffers) - 1
    model.metadata = [m for m in (model.metadata or []) if m.name != _METADATA_NAME.encode()] + [entry]

    out_builder = flatbuffers.Builder(len(model_bytes) + 4096)
    out_builder.Finish(model.Pack(out_builder), file_identifier=b"TFL3")
    return bytes(out_builder.Output())


def add_detector_metadata(model_bytes: bytes) -> bytes:
    """Pose detector: input in [-1, 1] (mean 127.5, std 127.5), 2 outputs."""
    return _with_metadata(model_bytes, "pose_detector", 127.5, 127.5, 2)


def add_landmarks_metadata(model_bytes: bytes) -> bytes:
    """Pose landmarks: input in [0, 1] (mean 0, std 255), 5 outputs."""
    return _with_metadata(model_bytes, "pose_landmarks_detector", 0.0, 255.0, 5)
