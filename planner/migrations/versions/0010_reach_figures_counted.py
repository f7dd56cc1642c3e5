"""reach figures say what they count for

Each figure row keeps its campaign, message, language, audience, day, whether it counts and its two
headline numbers, so that the dashboards add up one table through covering indexes instead of joining
four (see planner/reach_counted.py, which keeps them, and the benchmark in the README).

Filling the columns in rewrites every figure: about 25 s per million on PostgreSQL and 8 s on SQLite
(2 cores).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_POST = "(SELECT p.{column} FROM post p WHERE p.id = reach_figure.post_id)"


def _day(moment: str) -> str:
    if op.get_bind().dialect.name == "postgresql":
        return f"to_char(timezone('UTC', {moment}), 'YYYY-MM-DD')"
    return f"date({moment})"


def upgrade() -> None:
    with op.batch_alter_table('reach_figure', schema=None) as batch_op:
        batch_op.add_column(sa.Column('campaign_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('of_message_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('language', sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column('region', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('day', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('counted', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('seen', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('engagement', sa.BigInteger(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_reach_figure_campaign_id_campaign'), 'campaign', ['campaign_id'], ['id']
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_reach_figure_of_message_id_message'), 'message', ['of_message_id'], ['id']
        )
        batch_op.drop_index('ix_reach_figure_team_id')

    published = f"COALESCE({_POST.format(column='published_at')}, reach_figure.published_at)"
    op.execute(
        f"""
        UPDATE reach_figure SET
          campaign_id = COALESCE({_POST.format(column='campaign_id')},
                                 (SELECT m.campaign_id FROM message m WHERE m.id = reach_figure.message_id)),
          of_message_id = COALESCE({_POST.format(column='message_id')}, reach_figure.message_id),
          language = (SELECT v.language FROM post p JOIN variant v ON v.id = p.variant_id
                      WHERE p.id = reach_figure.post_id),
          region = (SELECT c.audience_region FROM post p JOIN channel c ON c.id = p.channel_id
                    WHERE p.id = reach_figure.post_id),
          day = CASE WHEN period = 'lifetime' THEN {_day(published)} ELSE period END,
          counted = CASE WHEN period <> 'lifetime' OR NOT EXISTS (
                      SELECT 1 FROM reach_figure d WHERE d.team_id = reach_figure.team_id
                      AND d.platform = reach_figure.platform AND d.platform_post_id = reach_figure.platform_post_id
                      AND d.period <> 'lifetime') THEN true ELSE false END,
          seen = COALESCE(reach, views, impressions, video_views),
          engagement = COALESCE(engagements, CASE
                         WHEN reactions IS NULL AND likes IS NULL AND comments IS NULL AND shares IS NULL
                              AND saves IS NULL THEN NULL
                         ELSE COALESCE(reactions, likes, 0) + COALESCE(comments, 0) + COALESCE(shares, 0)
                              + COALESCE(saves, 0) END)
        """  # noqa: S608 - fixed SQL
    )
    op.create_index(
        'ix_reach_figure_by_platform',
        'reach_figure',
        ['team_id', 'counted', 'platform', 'language', 'post_id', 'day', 'seen', 'engagement'],
    )
    op.create_index(
        'ix_reach_figure_by_campaign',
        'reach_figure',
        ['team_id', 'counted', 'campaign_id', 'of_message_id', 'day', 'seen', 'engagement', 'post_id'],
    )


def downgrade() -> None:
    op.drop_index('ix_reach_figure_by_campaign', table_name='reach_figure')
    op.drop_index('ix_reach_figure_by_platform', table_name='reach_figure')
    with op.batch_alter_table('reach_figure', schema=None) as batch_op:
        batch_op.create_index('ix_reach_figure_team_id', ['team_id'], unique=False)
        batch_op.drop_constraint(batch_op.f('fk_reach_figure_of_message_id_message'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_reach_figure_campaign_id_campaign'), type_='foreignkey')
        batch_op.drop_column('engagement')
        batch_op.drop_column('seen')
        batch_op.drop_column('counted')
        batch_op.drop_column('day')
        batch_op.drop_column('region')
        batch_op.drop_column('language')
        batch_op.drop_column('of_message_id')
        batch_op.drop_column('campaign_id')
