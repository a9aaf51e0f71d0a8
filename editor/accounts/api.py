"""The teams endpoint: the teams you belong to, with your role in each."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.viewsets import GenericViewSet

from editor.accounts.models import Membership, Role, Team
from editor.accounts.permissions import TeamScopedApiMixin
from editor.accounts.selectors import teams_for_user
from editor.common.api.schema import error_responses


class TeamSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(choices=Role.choices, read_only=True, source="user_role")

    class Meta:
        model = Team
        fields = ["id", "name", "slug", "role"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary="List your teams",
        responses={200: TeamSerializer(many=True), **error_responses({401: "Not signed in and no valid token."})},
    ),
)
class TeamViewSet(TeamScopedApiMixin, GenericViewSet):
    """The teams you belong to, with your role in each (to choose a team when creating a flow)."""

    pagination_class = None
    serializer_class = TeamSerializer

    def get_queryset(self):
        role = Membership.objects.filter(team_id=OuterRef("pk"), user=self.request.user).values("role")[:1]
        return teams_for_user(user=self.request.user).annotate(user_role=Subquery(role)).order_by("name")

    def list(self, request):
        return Response(TeamSerializer(self.get_queryset(), many=True).data)


router = SimpleRouter()
router.register("teams", TeamViewSet, basename="team")
urlpatterns = router.urls
