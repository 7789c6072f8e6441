// setupFiles of the `esdb` jest project: every e2e test app in it runs on EventStoreDB.
process.env['BL_TEST_EVENT_STORE'] = 'esdb';
