"""I/O out, to Discord: the client (gateway lease, slash-command sync), the slash commands, the alert embed
and its links, and delivery from the outbox. It is handed the running service (chat.client.ChatService);
it never imports bot.service or bot.feeds."""
