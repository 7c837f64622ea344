import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * A ticket system's outbound webhook set up for one agency (src/tickets/connectors/): the secret
 * that proves a request came from it, encrypted like the dispute webhook's (src/auth/secrets.ts),
 * and the agency's mapping of the system's payload onto a ticket event.
 */
export const CONNECTOR_SYSTEMS = ['zendesk', 'servicenow', 'dynamics', 'glpi'] as const;
export type ConnectorSystem = (typeof CONNECTOR_SYSTEMS)[number];

const connectorSecretSchema = new Schema(
  {
    id: { type: String, required: true },
    /** base64(iv ‖ tag ‖ ciphertext) under SECRETS_KEY. */
    ciphertext: { type: String, required: true },
    createdAt: { type: Date, required: true },
    /** A rotated-out secret still verifies until then, so the other end can switch without a loss. */
    retiresAt: { type: Date },
  },
  { _id: false },
);

export const connectorSchema = new Schema(
  {
    agency: { type: String, required: true },
    system: { type: String, enum: CONNECTOR_SYSTEMS, required: true },
    /** Newest first. */
    secrets: { type: [connectorSecretSchema], default: [] },
    /** Overrides of the system's default mapping (src/tickets/connectors/mapping.ts), field by field. */
    mapping: { type: Schema.Types.Mixed, default: {} },
    revision: { type: Number, default: 0 },
  },
  { timestamps: true, minimize: false },
);
connectorSchema.index({ agency: 1, system: 1 }, { unique: true });

export const CONNECTOR_OUTCOMES = [
  'accepted',
  'replayed',
  'ignored',
  'refused',
  'unauthorised',
  'test',
] as const;
export type ConnectorOutcome = (typeof CONNECTOR_OUTCOMES)[number];

/**
 * What arrived at a connector, for the agency's log: never the payload, the number or the secret;
 * the status the system reported and what was done with it.
 */
export const connectorEventSchema = new Schema(
  {
    agency: { type: String, required: true },
    system: { type: String, enum: CONNECTOR_SYSTEMS, required: true },
    at: { type: Date, required: true },
    outcome: { type: String, enum: CONNECTOR_OUTCOMES, required: true },
    httpStatus: { type: Number, required: true },
    /** The status value found in the payload (e.g. "solved"), when one was read. */
    status: { type: String },
    type: { type: String },
    ticketRef: { type: String },
    eventId: { type: String },
    /** Why it was refused or ignored, in English, naming a path or header, never a value read from it. */
    reason: { type: String },
  },
  { timestamps: false, versionKey: false },
);
connectorEventSchema.index({ agency: 1, at: -1 });
connectorEventSchema.index({ at: 1 }, { expireAfterSeconds: 90 * 86_400 });

export type Connector = InferSchemaType<typeof connectorSchema>;
export type ConnectorEvent = InferSchemaType<typeof connectorEventSchema>;

export function connectorModels(conn: Connection) {
  return {
    Connector: conn.model('Connector', connectorSchema, 'connectors'),
    ConnectorEvent: conn.model('ConnectorEvent', connectorEventSchema, 'connector_events'),
  };
}
