import { type Authorization, type Identity, isAuthorizedForAny, missingAuthorizationMessage, type PermissionCheck } from './evaluate.ts';
import { ADMIN_GROUP, RESOURCE_TYPES } from './resources.ts';

/** Camunda's 403 body (AuthorizationExceptionDto). */
export class AuthorizationError extends Error {
  override readonly name = 'AuthorizationException';
  constructor(
    readonly userId: string,
    readonly checks: readonly PermissionCheck[],
  ) {
    super(missingAuthorizationMessage(userId, checks));
  }

  toDto() {
    const single = this.checks.length === 1 ? this.checks[0]! : undefined;
    return {
      type: 'AuthorizationException',
      message: this.message,
      code: 0,
      userId: this.userId,
      resourceName: single?.resource ?? null,
      resourceId: single ? (single.resourceId ?? null) : null,
      permissionName: single?.permission ?? null,
      missingAuthorizations: this.checks.map((c) => ({ permissionName: c.permission, resourceName: c.resource, resourceId: c.resourceId ?? null })),
    };
  }
}

/** Camunda's checkCamundaAdmin: an operation only members of camunda-admin may run (no permission grants it). */
export class AdminRequiredError extends AuthorizationError {
  constructor(userId: string) {
    super(userId, []);
    this.message = 'ENGINE-03029 Required admin authenticated group or user.';
  }
}

/**
 * Where a request's authorizations come from: the container's identity cache, or the identity
 * repository itself (uncached; tests). Only those that can decide the identity's checks on one
 * resource type are asked for.
 */
export interface AuthorizationSource {
  authorizationsFor(identity: Identity, resourceType: number): Promise<readonly Authorization[]>;
}

/**
 * Who is calling and what they may do, for one request. With authentication off every check passes
 * (Camunda's default without authorization enabled).
 */
export class AuthContext {
  /** Per resource type, read once per request whatever the number of checks. */
  private readonly authorizationsByType = new Map<number, Promise<readonly Authorization[]>>();

  constructor(
    /** Undefined when authentication is off. */
    readonly identity: Identity | undefined,
    private readonly authorizations: AuthorizationSource | undefined,
  ) {}

  static anonymous(): AuthContext {
    return new AuthContext(undefined, undefined);
  }

  get enabled(): boolean {
    return this.identity !== undefined;
  }

  get userId(): string | null {
    return this.identity?.userId ?? null;
  }

  private authorizationsOf(identity: Identity, resourceType: number): Promise<readonly Authorization[]> {
    let loaded = this.authorizationsByType.get(resourceType);
    if (!loaded) {
      loaded = this.authorizations ? this.authorizations.authorizationsFor(identity, resourceType) : Promise.resolve([]);
      this.authorizationsByType.set(resourceType, loaded);
    }
    return loaded;
  }

  /** Passes if any one check is authorized. */
  async isAllowed(...checks: PermissionCheck[]): Promise<boolean> {
    const identity = this.identity;
    if (!identity) return true;
    // Members of camunda-admin may do everything (as isAuthorized says): nothing to read for them.
    if (identity.groupIds.includes(ADMIN_GROUP)) return true;
    const resourceTypes = new Set(checks.map((c) => RESOURCE_TYPES[c.resource]));
    const authorizations = await Promise.all([...resourceTypes].map((type) => this.authorizationsOf(identity, type)));
    return isAuthorizedForAny(identity, authorizations.flat(), checks);
  }

  /** Throws Camunda's AuthorizationException (403) unless one of the checks is authorized. */
  async require(...checks: PermissionCheck[]): Promise<void> {
    if (!(await this.isAllowed(...checks))) throw new AuthorizationError(this.identity!.userId, checks);
  }

  /** Tenant visibility: without authentication everything; with it, no tenant or one of the user's. */
  canSeeTenant(tenantId: string | null | undefined): boolean {
    if (!this.identity || tenantId === null || tenantId === undefined) return true;
    return this.identity.tenantIds.includes(tenantId) || this.identity.groupIds.includes('camunda-admin');
  }
}
