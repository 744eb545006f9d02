import { Domain } from '../../entities/domain.entity';
import { Membership } from '../../entities/membership.entity';
import { Organization } from '../../entities/organization.entity';
import { User } from '../../entities/user.entity';
import { Workspace } from '../../entities/workspace.entity';

export const entities = [User, Organization, Workspace, Domain, Membership];
