import pytest
from django.urls import reverse

from questions.models import Level
from tests.factories import BankFactory, QuestionFactory, TagFactory

pytestmark = pytest.mark.django_db


def bank_url(bank):
    return reverse("questions:bank", kwargs={"bank_slug": bank.slug})


def test_it_requires_login(client, bank):
    response = client.get(bank_url(bank))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_it_lists_active_questions_with_level_and_tags(client_logged_in, question):
    hidden = QuestionFactory(bank=question.bank, prompt="Hidden inactive one?", is_active=False)
    response = client_logged_in.get(bank_url(question.bank))
    assert response.status_code == 200
    body = response.content.decode()
    assert question.prompt in body
    assert "Compute" in body
    assert "Freshers &amp; intermediate" in body
    assert hidden.prompt not in body
    assert "1 question." in body


def test_it_filters_by_level(client_logged_in, bank):
    junior = QuestionFactory(bank=bank, prompt="Junior question?", level=Level.JUNIOR)
    senior = QuestionFactory(bank=bank, prompt="Senior question?", level=Level.SENIOR)
    response = client_logged_in.get(bank_url(bank), {"level": "senior"})
    body = response.content.decode()
    assert senior.prompt in body
    assert junior.prompt not in body
    assert "1 of 2 questions match" in body


def test_it_filters_by_any_of_several_tags(client_logged_in, bank):
    s3 = TagFactory(bank=bank, name="S3", slug="s3")
    ec2 = TagFactory(bank=bank, name="EC2", slug="ec2")
    iam = TagFactory(bank=bank, name="IAM", slug="iam")
    q_s3 = QuestionFactory(bank=bank, prompt="About S3?", tags=[s3])
    q_ec2 = QuestionFactory(bank=bank, prompt="About EC2?", tags=[ec2])
    q_iam = QuestionFactory(bank=bank, prompt="About IAM?", tags=[iam])
    response = client_logged_in.get(bank_url(bank) + "?tag=s3&tag=ec2")
    body = response.content.decode()
    assert q_s3.prompt in body and q_ec2.prompt in body
    assert q_iam.prompt not in body


def test_a_question_with_two_matching_tags_is_listed_once(client_logged_in, bank):
    s3 = TagFactory(bank=bank, name="S3", slug="s3")
    storage = TagFactory(bank=bank, name="Storage", slug="storage")
    QuestionFactory(bank=bank, prompt="Both tags?", tags=[s3, storage])
    response = client_logged_in.get(bank_url(bank) + "?tag=s3&tag=storage")
    assert response.context["paginator"].count == 1


def test_search_matches_prompt_and_answer_with_every_term(client_logged_in, bank):
    QuestionFactory(bank=bank, prompt="How does S3 replicate?", answer="Across zones.")
    QuestionFactory(bank=bank, prompt="What is Glacier?", answer="Archive storage in S3.")
    QuestionFactory(bank=bank, prompt="What is IAM?", answer="Identity.")
    response = client_logged_in.get(bank_url(bank), {"q": "s3"})
    assert response.context["paginator"].count == 2
    response = client_logged_in.get(bank_url(bank), {"q": "S3 archive"})
    assert response.context["paginator"].count == 1


@pytest.mark.parametrize(
    "query",
    ["%", "_", "'; DROP TABLE questions_question; --", "<script>alert(1)</script>",
     "ü😀", "a" * 600, "   ", "\\", '"quoted"'],
)  # fmt: skip
def test_odd_search_strings_never_fail(client_logged_in, question, query):
    response = client_logged_in.get(bank_url(question.bank), {"q": query})
    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content


def test_no_match_shows_a_clear_empty_state(client_logged_in, question):
    response = client_logged_in.get(bank_url(question.bank), {"q": "kubernetes-operator"})
    assert response.status_code == 200
    assert "No question matches" in response.content.decode()


def test_unknown_filter_values_are_ignored(client_logged_in, question):
    response = client_logged_in.get(bank_url(question.bank), {"level": "guru", "tag": "nope"})
    assert response.status_code == 200
    assert response.context["paginator"].count == 1


def test_it_paginates_twenty_per_page(client_logged_in, bank):
    QuestionFactory.create_batch(45, bank=bank)
    response = client_logged_in.get(bank_url(bank))
    assert len(response.context["page"].object_list) == 20
    response = client_logged_in.get(bank_url(bank), {"page": "3"})
    assert len(response.context["page"].object_list) == 5
    response = client_logged_in.get(bank_url(bank), {"page": "abc"})
    assert response.status_code == 200
    response = client_logged_in.get(bank_url(bank), {"page": "999"})
    assert response.context["page"].number == 3


def test_pagination_links_keep_the_filters(client_logged_in, bank):
    QuestionFactory.create_batch(25, bank=bank, level=Level.SENIOR)
    response = client_logged_in.get(bank_url(bank), {"level": "senior"})
    assert "level=senior&amp;page=2" in response.content.decode()


def test_htmx_request_gets_only_the_results_partial(client_logged_in, question):
    response = client_logged_in.get(bank_url(question.bank), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="results"' in body
    assert "<html" not in body
    assert "HX-Request" in response.get("Vary", "")


def test_unknown_bank_is_404(client_logged_in, db):
    response = client_logged_in.get(reverse("questions:bank", kwargs={"bank_slug": "nope"}))
    assert response.status_code == 404


def test_bank_index_redirects_to_the_only_bank(client_logged_in, bank):
    response = client_logged_in.get(reverse("questions:bank_index"))
    assert response.status_code == 302
    assert response.url == bank_url(bank)


def test_bank_index_lists_several_banks(client_logged_in, bank):
    BankFactory(name="Kubernetes", slug="kubernetes")
    response = client_logged_in.get(reverse("questions:bank_index"))
    assert response.status_code == 200
    assert "Kubernetes" in response.content.decode()


@pytest.mark.parametrize("size", [1, 60])
def test_query_count_does_not_grow_with_the_bank(
    client_logged_in, bank, django_assert_max_num_queries, size
):
    tags = [TagFactory(bank=bank, name=f"T{i}", slug=f"t{i}") for i in range(3)]
    QuestionFactory.create_batch(size, bank=bank, tags=tags)
    with django_assert_max_num_queries(10):
        response = client_logged_in.get(bank_url(bank))
    assert response.status_code == 200


def test_an_htmx_history_restore_gets_the_whole_page(client_logged_in, question):
    response = client_logged_in.get(
        bank_url(question.bank),
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body
    assert 'id="results"' in body


def test_an_htmx_swap_updates_the_result_count_in_its_live_region(client_logged_in, question):
    swapped = client_logged_in.get(
        bank_url(question.bank), {"q": "nothing-like-it"}, headers={"HX-Request": "true"}
    ).content.decode()
    page = client_logged_in.get(bank_url(question.bank)).content.decode()
    assert '<p id="result-count" hx-swap-oob="innerHTML">0 of 1 questions match' in swapped
    assert page.count('id="result-count"') == 1
    assert "hx-swap-oob" not in page
