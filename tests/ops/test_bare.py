"""The bare page of benchmarks/replies_load.py exists only when the setting enables it."""

import pytest
from django.test import override_settings

URL = "/van-hanh/benchmark-bare/"


@pytest.mark.django_db
def test_bare_page_is_off_by_default_and_one_query_when_on(client, django_assert_num_queries):
    assert client.get(URL).status_code == 404
    with override_settings(BENCHMARK_BARE_VIEW=True), django_assert_num_queries(1):
        response = client.get(URL)
    assert response.status_code == 200 and response.content == b"ok 1"
    assert response["Content-Type"] == "text/plain"
