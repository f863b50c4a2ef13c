// Package compose holds the Redis deployment rbench's users run: the
// redis.conf that docker-compose.redis.yml mounts, embedded so the throwaway
// servers rbench starts use exactly the same configuration.
package compose

import _ "embed"

// RedisConf is compose/redis.conf.
//
//go:embed redis.conf
var RedisConf []byte
