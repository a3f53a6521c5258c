LISTEN channel
