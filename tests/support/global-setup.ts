// Placeholder: replaced by the service bootstrap (Postgres, Redis) shortly.
export default async function setup(): Promise<void> {}
