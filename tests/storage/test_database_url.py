"""`DATABASE_URL` in messages: the password never shows, however the URL is written."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from storage.database import passwords_in, redacted, scrub


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("sqlite:///./lightbulb.db", "sqlite:///./lightbulb.db"),
        ("postgresql://u:s3cretpw@db:5432/lb", "postgresql://u:***@db:5432/lb"),
        ("postgresql://u@db/lb", "postgresql://u@db/lb"),
        ("postgresql://u:s3cret%40pw@db/lb", "postgresql://u:***@db/lb"),
        ("postgresql://u@db/lb?password=s3cretpw", "postgresql://u@db/lb?password=***"),
        ("postgresql://u:s3cretpw@[::1:5432/db", "postgresql://u:***@[::1:5432/db"),
        ("postgresql://u:s3cretpw@host:notaport/db", "postgresql://u:***@host:notaport/db"),
        ("postgresql://u:s3c@retpw@host/db", "postgresql://u:***@host/db"),
        ("u:s3cretpw@host/db", "u:***@host/db"),
        ("not a url", "not a url"),
    ],
)
def test_redacted_hides_the_password_and_keeps_the_rest(url: str, shown: str) -> None:
    assert redacted(url) == shown


@given(
    password=st.text(min_size=4),
    rest=st.sampled_from([":5432/lb", "/lb", ":notaport/lb", "[::1/lb", "/lb?sslmode=require"]),
)
def test_no_password_survives_redaction_or_scrubbing(password: str, rest: str) -> None:
    url = f"postgresql://lightbulb:{password}@db.example{rest}"
    assume(password not in url.replace(password, ""))

    assert password not in redacted(url)
    assert password not in scrub(url, url)


def test_a_driver_message_loses_every_spelling_of_the_password() -> None:
    url = "postgresql://u:s3cret%2Fpw@db/lb"
    message = 'connect to "db" as u with password=s3cret/pw (from postgresql://u:s3cret%2Fpw@db)'

    assert passwords_in(url) >= {"s3cret/pw", "s3cret%2Fpw"}
    assert (
        scrub(message, url) == 'connect to "db" as u with password=*** (from postgresql://u:***@db)'
    )


def test_a_short_password_does_not_garble_the_message() -> None:
    url = "postgresql://pg:pg@db/lb"

    assert scrub("password authentication failed: pg", url) == (
        "password authentication failed: ***"
    )
    assert scrub("the postgresql server said pgpass", url) == "the postgresql server said pgpass"
