/** The enums as the resolvers use them; registered with type-graphql in src/domain/enums. */
export { InvitationStatus, Permission, Role, ScopeKind } from '../../src/domain/enums';
export { AuditAction } from '../../src/domain/enums';
export { DeliveryStatus } from '../../src/domain/enums';
export { EnrollmentMode } from '../../src/domain/enums';
