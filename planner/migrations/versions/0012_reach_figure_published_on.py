"""a lifetime total keeps the publication date its export gives without a time

X's post export dates each post ("Tue, Jul 14, 2026") without a time of day. Such a lifetime total
of a post made outside the planner counted in the totals but on no day, so the weekly charts and the
period filter left it out. It now keeps that date (reach_figure.published_on) and counts on it.
Figures imported before this migration cannot get the date back (the files are not kept, and the
same file imported again is recognised and skipped): they count on a day once linked to their post.
Adding the column is instant on both engines; nothing is rewritten.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('reach_figure', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_on', sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('reach_figure', schema=None) as batch_op:
        batch_op.drop_column('published_on')
