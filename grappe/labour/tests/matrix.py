"""Labour sharing's permission-matrix fixture: the core matrix (organisations A and B and their users, the staff,
an observer) with an open availability of organisation A (OWN_ADMIN is its lender's administrator) and an open
need of organisation B (OTHER_MEMBER's organisation), both asking for the matrix's capability, so that each
matches the other. A's own need (`ctx.own_need`) gives the pages that only a poster's administrator opens an
actor who may (OWN_ADMIN)."""

import pytest

from .factories import make_availability, make_need


@pytest.fixture
def labour_matrix(matrix):
    ctx = matrix
    ctx.availability = make_availability(ctx.org_a, ctx.own_admin, [ctx.capability])
    ctx.need = make_need(ctx.org_b, ctx.other_member, [ctx.capability], title="Besoin de machinistes")
    ctx.own_need = make_need(ctx.org_a, ctx.own_admin, [ctx.domain], title="Besoin de soudeurs")
    return ctx
