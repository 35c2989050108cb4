from django.urls import reverse

URL = reverse("accounts:logout")


def test_it_requires_post(client_logged_in):
    response = client_logged_in.get(URL)

    assert response.status_code == 405
    assert "_auth_user_id" in client_logged_in.session


def test_it_logs_out_and_says_so(client_logged_in):
    response = client_logged_in.post(URL, follow=True)

    assert response.redirect_chain[0] == (reverse("questions:home"), 302)
    assert "_auth_user_id" not in client_logged_in.session
    assert "You have logged out." in response.content.decode()


def test_the_navigation_offers_a_post_form_to_log_out(client_logged_in):
    html = client_logged_in.get(reverse("accounts:settings")).content.decode()

    assert f'<form method="post" action="{URL}"' in html
