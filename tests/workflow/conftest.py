"""A small province for the workflow: its People's Committee (issuing body)
with its office, the Department of Home Affairs (drafting unit), another
department, and one user for every role the permission matrix names."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from accounts.otp import give_demo_device, otp_required
from conferences.models import Plan, PlanState
from tests.factories import (
    AgendaItemFactory,
    DistributionLineFactory,
    OrganisationFactory,
    PersonFactory,
    PlanFactory,
    SectionFactory,
    UserFactory,
)
from workflow import services

PASSWORD = "secret-pass-123"  # noqa: S105 - UserFactory's password


@dataclass
class World:
    committee: object
    office: object
    home_affairs: object
    other_department: object
    users: dict  # role name in the matrix → user (None for anonymous)

    def plan(self, **kwargs) -> Plan:
        """A draft of the Department of Home Affairs, signed by the Vice-Chairman."""
        signer = self.users["signer"].person
        plan = PlanFactory(
            issuing_body=self.committee,
            drafting_unit=self.home_affairs,
            year=2026,
            letterhead_parent="ỦY BAN NHÂN DÂN",
            letterhead_name="TỈNH THỬ NGHIỆM",
            sign_on_behalf_of="ỦY BAN NHÂN DÂN",
            sign_for_mode="KT",
            sign_for_title="CHỦ TỊCH",
            signer_title="PHÓ CHỦ TỊCH",
            signer=signer,
            signer_name=signer.full_name,
            **kwargs,
        )
        SectionFactory(plan=plan, order=1, heading="MỤC ĐÍCH, YÊU CẦU", body="- Đánh giá kết quả Chỉ số PAPI năm 2025.")
        SectionFactory(plan=plan, order=2, heading="KINH PHÍ", body="Từ nguồn kinh phí cải cách hành chính năm 2026.")
        AgendaItemFactory(plan=plan, order=1, content="Khai mạc Hội nghị", performers="Lãnh đạo UBND tỉnh")
        DistributionLineFactory(plan=plan, order=1, text="Lưu: VT, NC.")
        return plan

    @property
    def chain(self) -> list:
        return [self.users["reviewer"], self.users["signer"]]

    def with_chain(self, plan: Plan, chain=None) -> Plan:
        services.set_review_chain(plan, chain or self.chain, user=self.users["drafter"])
        return plan

    def submitted(self, plan: Plan | None = None, chain=None) -> Plan:
        plan = plan or self.plan()
        if chain or not plan.review_steps.exists():
            self.with_chain(plan, chain)
        services.submit(plan, user=self.users["drafter"])
        return plan

    def approved(self, plan: Plan | None = None) -> Plan:
        plan = self.submitted(plan)
        services.forward(plan, user=self.users["reviewer"])
        services.approve(plan, user=self.users["signer"])
        return plan

    def signed(self, plan: Plan | None = None) -> Plan:
        plan = plan or self.approved()
        services.sign(plan, user=self.users["signer"], reauthenticate=False)  # tests/accounts test the re-authentication
        return plan

    def issued(self, plan: Plan | None = None, **kwargs) -> Plan:
        plan = self.signed(plan)
        services.issue(plan, user=self.users["clerk"], reauthenticate=False, **kwargs)
        plan.refresh_from_db()
        assert plan.state == PlanState.ISSUED
        return plan


@pytest.fixture
def world(db) -> World:
    committee = OrganisationFactory(code="thu-nghiem:ubnd-tinh", name="Ủy ban nhân dân tỉnh Thử Nghiệm")
    office = OrganisationFactory(
        code="thu-nghiem:van-phong-ubnd", name="Văn phòng UBND tỉnh Thử Nghiệm", kind="office", parent=committee
    )
    home_affairs = OrganisationFactory(
        code="thu-nghiem:so-noi-vu", name="Sở Nội vụ tỉnh Thử Nghiệm", kind="department", parent=committee
    )
    other = OrganisationFactory(code="thu-nghiem:so-tai-chinh", name="Sở Tài chính tỉnh Thử Nghiệm", kind="department")
    vice_chairman = PersonFactory(full_name="Hồ Quang Bửu", title="Phó Chủ tịch Ủy ban nhân dân tỉnh", organisation=committee)
    director = PersonFactory(full_name="Phạm Văn Minh", title="Giám đốc Sở Nội vụ", organisation=home_affairs)
    deputy = PersonFactory(full_name="Trần Thị Hoa", title="Phó Chủ tịch Ủy ban nhân dân tỉnh", organisation=committee)
    users = {
        "anonymous": None,
        "unit_office": UserFactory(username="donvi", role="unit_office", email="donvi@example.org"),
        "drafter": UserFactory(username="soanthao", role="drafter", organisation=home_affairs, email="soanthao@example.org"),
        "other_drafter": UserFactory(username="soanthao2", role="drafter", organisation=other, email="khac@example.org"),
        "outsider_reviewer": UserFactory(username="lanhdao3", role="reviewer", person=deputy, email="hoa@example.org"),
        "reviewer": UserFactory(username="giamdoc", role="reviewer", person=director, email="giamdoc@example.org"),
        "signer": UserFactory(username="lanhdao", role="reviewer", person=vice_chairman, email="lanhdao@example.org"),
        "clerk": UserFactory(username="vanthu", role="clerk", organisation=office, email="vanthu@example.org"),
        "admin": UserFactory(username="quantri", role="admin", is_superuser=True, is_staff=True),
    }
    for user in users.values():  # reviewers, clerks and admins have an authenticator app (the demo key)
        if user is not None and otp_required(user):
            give_demo_device(user)
    return World(committee, office, home_affairs, other, users)
