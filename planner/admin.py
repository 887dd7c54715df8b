"""Plan runs in the admin: a read-only record of what each run decided."""

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from planner.models import PlanRun
from registry.access import Role
from registry.admin_access import VIEW, RoleAccessMixin


@admin.register(PlanRun)
class PlanRunAdmin(RoleAccessMixin, admin.ModelAdmin[PlanRun]):
    role_access = {Role.OFFICER: VIEW}
    list_display = [
        "pk", "started_at", "hazard", "slot", "neighbourhood", "status", "covered", "partial",
        "uncovered", "no_consent", "performed_by",
    ]  # fmt: skip
    list_filter = ["hazard", "slot", "status"]
    list_select_related = ["neighbourhood"]
    readonly_fields = ["summary"]
    fields = [
        "hazard", "slot", "neighbourhood", "status", "started_at", "finished_at", "performed_by",
        "summary", "timings", "parameters",
    ]  # fmt: skip

    @admin.display(description=_("covered"))
    def covered(self, run: PlanRun) -> int:
        return int(run.stats.get("covered", 0))

    @admin.display(description=_("partly covered"))
    def partial(self, run: PlanRun) -> int:
        return int(run.stats.get("partial", 0))

    @admin.display(description=_("uncovered"))
    def uncovered(self, run: PlanRun) -> int:
        return int(run.stats.get("uncovered", 0))

    @admin.display(description=_("no consent"))
    def no_consent(self, run: PlanRun) -> int:
        return int(run.stats.get("no_consent", 0))

    @admin.display(description=_("summary"))
    def summary(self, run: PlanRun) -> str:
        from planner.reports import run_summary

        return format_html_join("\n", "<div>{}</div>", ((line,) for line in run_summary(run)))
