"""Two owners demoting each other at the same moment still leave the team one owner."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from editor.accounts import services as team_services
from editor.accounts.models import Membership, Role, Team
from editor.common.errors import ServiceError


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_it_never_loses_the_last_owner_to_a_race(django_user_model):
    for round_ in range(5):
        team = Team.objects.create(name=f"Race {round_}", slug=f"race-{round_}")
        a = django_user_model.objects.create_user(username=f"a{round_}")
        b = django_user_model.objects.create_user(username=f"b{round_}")
        ma = Membership.objects.create(team=team, user=a, role=Role.OWNER)
        mb = Membership.objects.create(team=team, user=b, role=Role.OWNER)
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def demote(actor, target, barrier=barrier, outcomes=outcomes):
            try:
                barrier.wait()
                team_services.member_change_role(
                    membership=Membership.objects.get(pk=target.pk), actor=actor, role=Role.EDITOR
                )
                outcomes.append("ok")
            except ServiceError as exc:
                outcomes.append(type(exc).__name__)
            finally:
                connection.close()

        threads = [threading.Thread(target=demote, args=(a, mb)), threading.Thread(target=demote, args=(b, ma))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert len(outcomes) == 2 and outcomes.count("ok") == 1, outcomes
        assert Membership.objects.filter(team=team, role=Role.OWNER).count() == 1
