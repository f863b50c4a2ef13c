package config_test

import (
	"fmt"

	"github.com/rbench/rbench/config"
)

func ExampleLoad() {
	environ := map[string]string{
		"REDIS_URL":        "redis://app:s3cret@cache.internal:6380/2",
		"RBENCH_TRADER_ID": "TRADER-007",
	}
	cfg, err := config.Load(config.Input{
		Flags:     map[string]string{config.VarDB: "3"}, // --db 3 beats the URL's /2
		LookupEnv: func(k string) (string, bool) { v, ok := environ[k]; return v, ok },
		EnvFile:   "/dev/null",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.Addr(), cfg.DB, cfg.Prefix())
	for _, name := range []string{config.VarURL, config.VarPassword, config.VarDB, config.VarEncoding} {
		s, _ := cfg.Setting(name)
		fmt.Printf("%s=%s (%s)\n", s.Name, s.Display(), s.Origin)
	}
	// Output:
	// cache.internal:6380 3 trader-TRADER-007:
	// REDIS_URL=redis://app:****@cache.internal:6380/2 (env REDIS_URL)
	// REDIS_PASSWORD=**** (env REDIS_URL)
	// REDIS_DB=3 (flag --db)
	// RBENCH_ENCODING=msgpack (default)
}

func ExampleLoad_invalid() {
	environ := map[string]string{"REDIS_PORT": "70000", "RBENCH_ENCODING": "xml"}
	_, err := config.Load(config.Input{
		LookupEnv: func(k string) (string, bool) { v, ok := environ[k]; return v, ok },
		EnvFile:   "/dev/null",
	})
	fmt.Println(err)
	// Output:
	// invalid configuration (2 problems):
	//   - REDIS_PORT=70000 (from env REDIS_PORT): allowed: an integer 1-65535
	//   - RBENCH_ENCODING=xml (from env RBENCH_ENCODING): allowed: msgpack or json, or a list run in turn such as msgpack,json
}
