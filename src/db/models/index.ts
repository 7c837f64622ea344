import type { Connection } from 'mongoose';
import { accessModels } from './access.js';
import { alertModels } from './alerts.js';
import { callModels } from './call.js';
import { chainModels } from './chain.js';
import { connectorModels } from './connector.js';
import { closureImportModels } from './closure-import.js';
import { dailySumModels } from './daily-sum.js';
import { disputeModels } from './dispute.js';
import { followUpModels } from './followup.js';
import { integrityModels } from './integrity.js';
import { mailModels } from './mail.js';
import { migrationModels } from './migration.js';
import { monthSumModels } from './month-sum.js';
import { organisationModels } from './organisation.js';
import { ticketModels } from './ticket.js';
import { yearSumModels } from './year-sum.js';

/** Models are bound to one connection (not the global mongoose), so each test can use its own database. */
export function createModels(conn: Connection) {
  return {
    ...organisationModels(conn),
    ...ticketModels(conn),
    ...callModels(conn),
    ...followUpModels(conn),
    ...accessModels(conn),
    ...dailySumModels(conn),
    ...monthSumModels(conn),
    ...yearSumModels(conn),
    ...chainModels(conn),
    ...integrityModels(conn),
    ...migrationModels(conn),
    ...disputeModels(conn),
    ...connectorModels(conn),
    ...closureImportModels(conn),
    ...mailModels(conn),
    ...alertModels(conn),
  };
}

export type Models = ReturnType<typeof createModels>;
