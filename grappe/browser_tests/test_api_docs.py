"""The API's interactive docs work in a real browser under our Content Security Policy."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_api_docs_render_without_breaking_the_content_security_policy(page, db):
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.goto("/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Grappe API")
    expect(page.get_by_text("/api/organisations/{slug}/capabilities/{code}").first).to_be_visible()
    assert [m for m in messages if "Content Security Policy" in m] == []
