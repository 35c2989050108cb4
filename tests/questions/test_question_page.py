import pytest
from django.urls import reverse

from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def detail_url(question):
    return reverse(
        "questions:detail", kwargs={"bank_slug": question.bank.slug, "slug": question.slug}
    )


def answer_url(question):
    return reverse(
        "questions:answer", kwargs={"bank_slug": question.bank.slug, "slug": question.slug}
    )


def test_it_requires_login(client, question):
    assert client.get(detail_url(question)).status_code == 302


def test_it_shows_prompt_level_and_tags_with_the_answer_hidden(client_logged_in, question):
    response = client_logged_in.get(detail_url(question))
    body = response.content.decode()
    assert response.status_code == 200
    assert question.prompt in body
    assert "Compute" in body
    assert "Reveal answer" in body
    assert "<strong>things</strong>" not in body


def test_reveal_link_works_without_javascript(client_logged_in, question):
    response = client_logged_in.get(detail_url(question), {"reveal": "1"})
    assert "<strong>things</strong>" in response.content.decode()


def test_answer_url_without_htmx_redirects_to_the_revealed_page(client_logged_in, question):
    response = client_logged_in.get(answer_url(question))
    assert response.status_code == 302
    assert response.url == detail_url(question) + "?reveal=1#answer"


def test_answer_url_with_htmx_returns_the_answer_partial(client_logged_in, question):
    response = client_logged_in.get(answer_url(question), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<strong>things</strong>" in body
    assert "<html" not in body
    assert 'id="answer"' in body


def test_unknown_slug_is_404(client_logged_in, question):
    url = reverse("questions:detail", kwargs={"bank_slug": question.bank.slug, "slug": "nope"})
    assert client_logged_in.get(url).status_code == 404
    url = reverse("questions:answer", kwargs={"bank_slug": "nope", "slug": question.slug})
    assert client_logged_in.get(url).status_code == 404


def test_inactive_question_is_404_for_candidates(client_logged_in, question):
    question.is_active = False
    question.save()
    assert client_logged_in.get(detail_url(question)).status_code == 404
    assert client_logged_in.get(detail_url(question), {"preview": "1"}).status_code == 404


def test_script_in_an_answer_is_rendered_inert(client_logged_in, bank):
    question = QuestionFactory(
        bank=bank,
        answer=" ".join(
            [
                'Hi <script>alert("x")</script>',
                "<img src=x onerror=alert(1)>",
                "[a](javascript:alert(1))",
            ]
        ),
    )
    body = client_logged_in.get(detail_url(question), {"reveal": "1"}).content.decode()
    assert '<script>alert("x")</script>' not in body
    assert "onerror" not in body
    assert "javascript:alert" not in body


def test_it_links_to_previous_and_next_questions(client_logged_in, bank):
    first, second, third = QuestionFactory.create_batch(3, bank=bank)
    body = client_logged_in.get(detail_url(second)).content.decode()
    assert detail_url(first) in body
    assert detail_url(third) in body
