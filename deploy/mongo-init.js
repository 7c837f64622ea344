// Initiates replica set rs0 once; on every later start it finds it initiated and does nothing.
try {
  rs.status();
  print('replica set rs0 already initiated');
} catch (err) {
  if (err.codeName !== 'NotYetInitialized') throw err;
  rs.initiate({
    _id: 'rs0',
    members: [
      { _id: 0, host: 'mongo1:27017', priority: 2 },
      { _id: 1, host: 'mongo2:27017', priority: 1 },
      { _id: 2, host: 'mongo3:27017', priority: 1 },
    ],
  });
  print('replica set rs0 initiated');
}
