/** Discovery (agents' reports) as the author of register changes it makes. */
export const DISCOVERY_ACTOR = 'discovery';
