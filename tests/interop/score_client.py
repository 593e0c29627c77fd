#!/usr/bin/env python3
"""Interop check: a Python gRPC client (Debian's python3-grpcio) calling the GtmMart server.

No generated code: grpc_tools is not packaged usably on Debian, so the request and response bytes are encoded and
decoded by hand from the field numbers in protos/gtm/v1/scoring.proto and common.proto (proto3 wire format).

usage: score_client.py HOST:PORT ID [ID ...]     (API key from $GTM_API_KEY)
prints one JSON object: {"health": <grpc.health.v1 status>, "results": [{"id", "score", "probability", "model", "scored_at_seconds",
"features_build_id", "is_open"} | {"id", "error_code", "message"}]}
exits 2 on a gRPC error, printing {"error": CODE_NAME, "details": ...}
"""
import json
import os
import struct
import sys

import grpc


def varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def read_varint(data, pos):
    shift = result = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def fields(data):
    """Yields (field_number, wire_type, value) of one message; value is int, bytes or a fixed64/32 raw bytes."""
    pos = 0
    while pos < len(data):
        key, pos = read_varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = read_varint(data, pos)
        elif wire == 1:
            value, pos = data[pos:pos + 8], pos + 8
        elif wire == 2:
            length, pos = read_varint(data, pos)
            value, pos = data[pos:pos + length], pos + length
        elif wire == 5:
            value, pos = data[pos:pos + 4], pos + 4
        else:
            raise ValueError("unsupported wire type %d" % wire)
        yield number, wire, value


def encode_request(ids):
    # ScoreOpportunitiesRequest { repeated string opportunity_ids = 1; }
    out = bytearray()
    for opportunity_id in ids:
        raw = opportunity_id.encode("utf-8")
        out += b"\x0a" + varint(len(raw)) + raw
    return bytes(out)


def decode_model(data):
    model = {}
    for number, _, value in fields(data):
        if number == 1:
            model["name"] = value.decode("utf-8")
        elif number == 2:
            model["version"] = value.decode("utf-8")
    return model


def decode_score(data):
    # OpportunityScore { opportunity_id = 1; score = 2; probability = 3; top_positive = 4; top_negative = 5; model = 6;
    #   scored_at = 8 (google.protobuf.Timestamp { seconds = 1; nanos = 2 }); features_build_id = 9 (int64); is_open = 10 }
    score = {"id": "", "score": 0, "probability": 0.0, "factors": 0, "scored_at_seconds": 0, "features_build_id": 0, "is_open": False}
    for number, _, value in fields(data):
        if number == 1:
            score["id"] = value.decode("utf-8")
        elif number == 2:
            score["score"] = value
        elif number == 3:
            score["probability"] = struct.unpack("<d", value)[0]
        elif number in (4, 5):
            score["factors"] += 1
        elif number == 6:
            score["model"] = decode_model(value)
        elif number == 8:
            score["scored_at_seconds"] = dict((n, v) for n, _, v in fields(value)).get(1, 0)
        elif number == 9:
            score["features_build_id"] = value
        elif number == 10:
            score["is_open"] = bool(value)
    return score


def decode_error(data):
    # ItemError { id = 1; code = 2; message = 3 }
    error = {"id": "", "error_code": 0, "message": ""}
    for number, _, value in fields(data):
        if number == 1:
            error["id"] = value.decode("utf-8")
        elif number == 2:
            error["error_code"] = value
        elif number == 3:
            error["message"] = value.decode("utf-8")
    return error


def decode_response(data):
    # ScoreOpportunitiesResponse { repeated OpportunityResult results = 1 }; OpportunityResult { oneof score = 1 | error = 2 }
    results = []
    for number, _, value in fields(data):
        if number != 1:
            continue
        for inner, _, item in fields(value):
            results.append(decode_score(item) if inner == 1 else decode_error(item))
    return results


def identity(data):
    return data


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 64
    address, ids = sys.argv[1], sys.argv[2:]
    key = os.environ.get("GTM_API_KEY", "")
    with grpc.insecure_channel(address) as channel:
        grpc.channel_ready_future(channel).result(timeout=10)
        check = channel.unary_unary("/grpc.health.v1.Health/Check", request_serializer=identity, response_deserializer=identity)
        score = channel.unary_unary("/gtm.v1.ScoringService/ScoreOpportunities", request_serializer=identity, response_deserializer=identity)
        try:
            health_bytes = check(b"", timeout=10)
            health = dict((n, v) for n, _, v in fields(health_bytes)).get(1, 0)
            response = score(encode_request(ids), timeout=30, metadata=[("authorization", "Bearer " + key)])
        except grpc.RpcError as error:
            print(json.dumps({"error": error.code().name, "details": error.details()}))
            return 2
    print(json.dumps({"health": health, "results": decode_response(response)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
