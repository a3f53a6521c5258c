COMMIT PREPARED 'safetytest_x'
