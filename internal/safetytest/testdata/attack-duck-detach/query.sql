DETACH fixture
