// Moved to helpers/scratch-database.ts (bench and scripts use it too); kept for tests in flight.
export * from '../../helpers/scratch-database.ts';
