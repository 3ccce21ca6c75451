"""Commands an administrator runs: init, doctor, rebuild, status, the daemon and its periodic jobs, auth, the demo."""
