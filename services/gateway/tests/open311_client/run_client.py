"""Drives Miroir's Open311 endpoint with real Open311 clients from PyPI, used as
any city app would use them (see requirements.txt): georeport lists the
services, reads a service definition and fetches requests, in JSON and XML;
civicbot's Open311Client checks its post against the live services and their
definition, posts it (form-encoded, with attribute[CODE] fields) and reads
its token.

Usage: run_client.py BASE_URL JURISDICTION API_KEY SERVICE_CODE ATTRIBUTES_JSON

Prints one JSON object with what the clients saw, for tests/open311.rs to
check; any error of a client ends the script with a non-zero status.
"""

import json
import sys

from civicbot import Endpoint, Open311Client
from georeport import GeoReport


def as_list(value):
    """xmltodict makes one repeated element a dict, several a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def main():
    base, jurisdiction, api_key, code, attributes = sys.argv[1:6]
    attributes = json.loads(attributes)
    seen = {}

    for fmt in ("json", "xml"):
        reader = GeoReport(base, jurisdiction=jurisdiction, output_format=fmt)
        services = as_list(reader.get_service_list())
        seen[f"services_{fmt}"] = sorted(service["service_code"] for service in services)
        seen[f"metadata_{fmt}"] = {service["service_code"]: service["metadata"] for service in services}
        definition = reader.get_service_definition(code)
        found = definition["attributes"]
        if fmt == "xml":
            found = as_list((found or {}).get("attribute"))
        seen[f"attributes_{fmt}"] = [attribute["code"] for attribute in found]

    endpoint = Endpoint(id="miroir", name="Miroir", base_url=base, write=True)
    poster = Open311Client(endpoint, jurisdiction_id=jurisdiction)
    sent = poster.create_request(
        code,
        dry_run=False,
        confirm="SEND",
        api_key=api_key,
        validate_remote=True,
        lat=48.8566,
        lng=2.3522,
        address_string="Parvis de l'Hôtel de Ville",
        description="Pavés descellés devant l'entrée <principale> & glissants.",
        attributes=attributes,
    )
    posted = sent.response[0]
    seen["posted"] = posted
    request_id = posted["service_request_id"]

    fields = ("service_request_id", "status", "service_code", "service_name", "description", "address", "lat", "long")
    for fmt in ("json", "xml"):
        reader = GeoReport(base, jurisdiction=jurisdiction, output_format=fmt)
        one = reader.get_service_request(request_id)
        seen[f"request_{fmt}"] = {field: one.get(field) for field in fields}
        listed = as_list(reader.get_service_requests(service_request_id=request_id))
        seen[f"by_id_{fmt}"] = [request["service_request_id"] for request in listed]
        listed = as_list(reader.get_service_requests(service_code=code, status="open"))
        seen[f"open_{fmt}"] = [request["service_request_id"] for request in listed]

    seen["token"] = poster.get_token(request_id)
    print(json.dumps(seen, ensure_ascii=False))


if __name__ == "__main__":
    main()
