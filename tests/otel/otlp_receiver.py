"""A real OTLP/HTTP receiver for the tests: decodes the protobuf export requests it is sent."""

from __future__ import annotations

import gzip
import threading
import time
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue

_REQUESTS: dict[str, Any] = {
    "/v1/traces": ExportTraceServiceRequest,
    "/v1/metrics": ExportMetricsServiceRequest,
    "/v1/logs": ExportLogsServiceRequest,
}


def value_of(value: AnyValue) -> Any:
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return [value_of(item) for item in value.array_value.values]
    return None if kind is None else getattr(value, kind)


def attributes_of(pairs: Any) -> dict[str, Any]:
    return {pair.key: value_of(pair.value) for pair in pairs}


class Receiver:
    """What arrived, by path, as decoded protobuf messages."""

    def __init__(self) -> None:
        self.requests: dict[str, list[Any]] = {path: [] for path in _REQUESTS}
        self.lock = threading.Lock()
        self.url = ""

    def add(self, path: str, message: Any) -> None:
        with self.lock:
            self.requests[path].append(message)

    def spans(self) -> list[dict[str, Any]]:
        """Every span received, flattened, with its resource's attributes."""
        found = []
        with self.lock:
            messages = list(self.requests["/v1/traces"])
        for message in messages:
            for resource_spans in message.resource_spans:
                resource = attributes_of(resource_spans.resource.attributes)
                for scope_spans in resource_spans.scope_spans:
                    for span in scope_spans.spans:
                        found.append(
                            {
                                "name": span.name,
                                "trace_id": span.trace_id.hex(),
                                "span_id": span.span_id.hex(),
                                "parent": span.parent_span_id.hex(),
                                "start": span.start_time_unix_nano,
                                "end": span.end_time_unix_nano,
                                "attributes": attributes_of(span.attributes),
                                "status": span.status.code,
                                "status_message": span.status.message,
                                "events": [
                                    (event.name, attributes_of(event.attributes))
                                    for event in span.events
                                ],
                                "resource": resource,
                                "scope": scope_spans.scope.name,
                            }
                        )
        return found

    def points(self) -> list[dict[str, Any]]:
        """Every metric data point received: name, kind, attributes, value (or count and sum)."""
        found = []
        with self.lock:
            messages = list(self.requests["/v1/metrics"])
        for message in messages:
            for resource_metrics in message.resource_metrics:
                resource = attributes_of(resource_metrics.resource.attributes)
                for scope_metrics in resource_metrics.scope_metrics:
                    for metric in scope_metrics.metrics:
                        kind = metric.WhichOneof("data")
                        for point in getattr(metric, kind).data_points:
                            row = {
                                "name": metric.name,
                                "kind": kind,
                                "unit": metric.unit,
                                "attributes": attributes_of(point.attributes),
                                "resource": resource,
                            }
                            if kind == "histogram":
                                row |= {"count": point.count, "sum": point.sum}
                            else:
                                row["value"] = point.as_int or point.as_double
                            if kind == "sum":
                                row["monotonic"] = metric.sum.is_monotonic
                            found.append(row)
        return found

    def logs(self) -> list[dict[str, Any]]:
        """Every log record received."""
        found = []
        with self.lock:
            messages = list(self.requests["/v1/logs"])
        for message in messages:
            for resource_logs in message.resource_logs:
                resource = attributes_of(resource_logs.resource.attributes)
                for scope_logs in resource_logs.scope_logs:
                    for record in scope_logs.log_records:
                        found.append(
                            {
                                "body": value_of(record.body),
                                "severity": record.severity_text,
                                "severity_number": record.severity_number,
                                "attributes": attributes_of(record.attributes),
                                "trace_id": record.trace_id.hex(),
                                "span_id": record.span_id.hex(),
                                "resource": resource,
                            }
                        )
        return found

    def wait_for(self, check: Callable[[], bool], seconds: float = 30.0) -> bool:
        """Poll ``check`` until it holds (bounded): exports arrive from background threads."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if check():
                return True
            time.sleep(0.05)
        return check()


class _Handler(BaseHTTPRequestHandler):
    disable_nagle_algorithm = True  # keep-alive requests on loopback, see SERVICES.md
    protocol_version = "HTTP/1.1"
    receiver: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        request = _REQUESTS.get(self.path)
        if request is None or self.headers.get("Content-Type") != "application/x-protobuf":
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        message = request()
        message.ParseFromString(body)
        self.receiver.add(self.path, message)
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return None


def serve() -> tuple[Receiver, ThreadingHTTPServer]:
    """Start a receiver on 127.0.0.1 (a free port) in a thread; shut the server down after."""
    receiver = Receiver()
    handler = type("Handler", (_Handler,), {"receiver": receiver})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, name="otlp-receiver", daemon=True).start()
    return receiver, server


__all__ = ["KeyValue", "Receiver", "attributes_of", "serve", "value_of"]
