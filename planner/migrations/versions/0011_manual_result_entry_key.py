"""one live hand-entered result per content

A hand-entered result keeps a hash of what it says (planner/results.py, entry_key); a partial unique
index allows one live entry per team and content, so that a double-click on Save, or the same survey
entered twice, is refused instead of counted twice. Entries made before this migration keep an empty key:
they are not compared (two of them may already say the same; the Enter results list shows both).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 08:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('manual_result', schema=None) as batch_op:
        batch_op.add_column(sa.Column('entry_key', sa.String(length=64), nullable=True))
        batch_op.create_index(
            'uq_manual_result_live_entry',
            ['team_id', 'entry_key'],
            unique=True,
            sqlite_where=sa.text('voided_at IS NULL'),
            postgresql_where=sa.text('voided_at IS NULL'),
        )


def downgrade() -> None:
    with op.batch_alter_table('manual_result', schema=None) as batch_op:
        batch_op.drop_index('uq_manual_result_live_entry')
        batch_op.drop_column('entry_key')
