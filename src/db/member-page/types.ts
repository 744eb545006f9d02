import type { Membership } from '../../../entities/membership.entity';
import type { User } from '../../../entities/user.entity';
import { MemberOrderField, OrderDirection, type Role } from '../../domain/enums';

/** What a members page is asked with, and what it answers (the planner's words, shared by its files). */

/** The order of a members list (docs/domain-rules.md §10); ties are broken by id, in the same direction. */
export interface MemberOrder {
  field: MemberOrderField;
  direction: OrderDirection;
}

export const JOINED_FIRST: MemberOrder = { field: MemberOrderField.JOINED_AT, direction: OrderDirection.ASC };

export interface MemberFilter {
  first: number;
  after: string | null;
  role: Role | null;
  /**
   * Only holders of this custom role. Memberships hold roles of their own organization only, so
   * another organization's id matches nobody without being looked up.
   */
  customRoleId?: string | null;
  query: string | null;
  /** Whether `totalCount` was asked for: the page statement then counts too. */
  withCount: boolean;
  order: MemberOrder;
}

export interface MemberPageKey extends MemberFilter {
  scopeId: string;
}

/** A membership of a page, with its user read in the same statement. */
export type MemberPageRow = Membership & { user: User };

export interface MemberPage {
  rows: MemberPageRow[];
  hasNextPage: boolean;
  /** The filtered total, when it was asked for and the page is not empty. */
  total: number | null;
  /** A search's total stops at SEARCH_COUNT_CAP: true when there are more matches than that. */
  totalIsLowerBound: boolean;
}

/** A search counts its matches up to this many; past it the total is this, and a lower bound. */
export const SEARCH_COUNT_CAP = 10_000;
