"""``/api/credentials/``: Samespace credentials of your teams.

The auth token is write-only: it goes in on POST/PATCH and never comes back (responses carry a
mask and a hint of its last characters for long tokens). Every member reads; owners write.
"""

from __future__ import annotations

from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response

from editor.accounts.permissions import Role, TeamChoiceMixin, role_of
from editor.accounts.selectors import membership_for
from editor.calls.models import Credential
from editor.calls.selectors import credentials_for_user
from editor.calls.services.credentials import credential_create, credential_delete, credential_update
from editor.common.api.schema import ErrorSerializer
from editor.common.api.views import ApiViewSet
from editor.common.params import TeamFilter

OWNER_MESSAGE = "Only team owners can add, change or delete Samespace credentials."


class OwnerWritesPermission(BasePermission):
    message = OWNER_MESSAGE

    def has_object_permission(self, request, view, obj) -> bool:
        return request.method in SAFE_METHODS or role_of(request.user, obj) == Role.OWNER


class CredentialSerializer(serializers.ModelSerializer):
    auth_token = serializers.SerializerMethodField(help_text="Always masked: the token is write-only.")
    token_hint = serializers.CharField(read_only=True, help_text="The last 4 characters of a long token, else empty.")
    rejected = serializers.SerializerMethodField(help_text="Samespace refused this token (401) since it was set.")

    class Meta:
        model = Credential
        fields = [
            "id",
            "team",
            "name",
            "cloud_id",
            "base_url",
            "send_events",
            "auth_token",
            "token_hint",
            "rejected",
            "rejected_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_auth_token(self, obj: Credential) -> str:
        return obj.masked_token

    def get_rejected(self, obj: Credential) -> bool:
        return obj.rejected_at is not None


class CredentialCreateSerializer(TeamChoiceMixin):
    name = serializers.CharField(max_length=120)
    cloud_id = serializers.CharField(max_length=200)
    auth_token = serializers.CharField(
        max_length=4000, write_only=True, trim_whitespace=True, style={"input_type": "password"}
    )
    base_url = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        help_text="Defaults to SAMESPACE_BASE_URL. https on an allowed host.",
    )
    send_events = serializers.BooleanField(
        required=False, default=False,
        help_text="Samespace sends call events to PUBLIC_BASE_URL (docs/call-events.md).",
    )


class CredentialUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    cloud_id = serializers.CharField(max_length=200, required=False)
    auth_token = serializers.CharField(
        max_length=4000,
        required=False,
        allow_blank=True,
        write_only=True,
        style={"input_type": "password"},
        help_text="A new token; leave out (or empty) to keep the stored one.",
    )
    base_url = serializers.CharField(max_length=500, required=False)
    send_events = serializers.BooleanField(required=False)


ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Field errors under extra.fields."),
    403: OpenApiResponse(ErrorSerializer, description="Only owners manage credentials."),
    404: OpenApiResponse(ErrorSerializer, description="No such credential in your teams."),
}


@extend_schema_view(
    list=extend_schema(summary="List Samespace credentials", responses={200: CredentialSerializer(many=True)}),
    retrieve=extend_schema(summary="A credential (token masked)", responses={200: CredentialSerializer, **ERRORS}),
    create=extend_schema(
        summary="Add a credential (owners)",
        request=CredentialCreateSerializer,
        responses={201: CredentialSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change a credential (owners)",
        request=CredentialUpdateSerializer,
        responses={200: CredentialSerializer, **ERRORS},
    ),
    destroy=extend_schema(
        summary="Delete a credential (owners); its calls keep their history", responses={204: None, **ERRORS}
    ),
)
@method_decorator(sensitive_post_parameters("auth_token"), name="dispatch")
class CredentialViewSet(ApiViewSet):
    serializer_class = list_serializer_class = CredentialSerializer
    permission_classes = [IsAuthenticated, OwnerWritesPermission]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        qs = credentials_for_user(user=self.request.user)
        if self.action == "list":
            team = TeamFilter.parse(self.request.query_params)["team"]
            if team is not None:
                qs = qs.filter(team_id=team)
        return qs

    def create(self, request):
        data = self.validated(CredentialCreateSerializer)
        membership = membership_for(user=request.user, team=data["team"])
        if membership is None or membership.role != Role.OWNER:
            raise PermissionDenied(OWNER_MESSAGE)
        credential = credential_create(
            team=data["team"],
            user=request.user,
            name=data["name"],
            cloud_id=data["cloud_id"],
            auth_token=data["auth_token"],
            base_url=data.get("base_url") or None,
            send_events=data.get("send_events", False),
        )
        return Response(CredentialSerializer(credential).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        credential = self.get_object()
        data = self.validated(CredentialUpdateSerializer)
        credential = credential_update(credential=credential, **data)
        return Response(CredentialSerializer(credential).data)

    def destroy(self, request, pk=None):
        credential_delete(credential=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
