"""How a digest reaches a Discord channel: :class:`DiscordPoster`, the runner's poster.

It sends with the slot's idempotency key as the message nonce (discord.py then sets
``enforce_nonce``, so Discord answers a repeated send with the first message), ends the message
with a subtext marker line carrying the key so a delivery interrupted after the post is found
again in the channel history, and maps Discord failures to :class:`~bot.digest.DeliveryError`
(permanent or worth retrying).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

import aiohttp
import discord

from bot.digest import DeliveryError
from bot.digest.compose import find_marker, with_marker

#: Own messages scanned for the marker of an interrupted delivery.
HISTORY_SCAN = 50


class DiscordPoster:
    """The runner's :class:`~bot.digest.Poster` over a discord.py client.

    Parameters
    ----------
    client:
        A logged-in client; channels it has not cached are addressed by id.
    timeout:
        Seconds one send or history scan may take before it counts as a transient failure (the
        runner then looks for the message before posting again).
    """

    def __init__(self, client: discord.Client, *, timeout: float = 60.0,
                 history_limit: int = HISTORY_SCAN) -> None:
        self.client, self.timeout, self.history_limit = client, timeout, history_limit

    def _channel(self, channel_id: int) -> discord.abc.Messageable:
        # A partial messageable needs no cache and no extra request; a channel that does not
        # exist or is hidden from the bot answers the send itself with 404/403.
        channel = self.client.get_channel(channel_id)
        if isinstance(channel, discord.abc.Messageable):
            return channel
        return self.client.get_partial_messageable(channel_id)

    async def post(self, channel_id: int, content: str, idempotency_key: str) -> int:
        """Send the digest; return the id of the message Discord created.

        Raises
        ------
        DeliveryError
            ``permanent`` for an unknown channel, missing permission or a rejected message;
            otherwise (Discord 5xx, rate limit, network, timeout) the runner retries.
        """
        channel = self._channel(channel_id)
        with _delivery_errors(f"posting to channel {channel_id}"):
            message = await asyncio.wait_for(channel.send(
                with_marker(content, idempotency_key),
                # discord.py 2.7 sends enforce_nonce=true with every nonce.
                nonce=idempotency_key,
                allowed_mentions=discord.AllowedMentions.none(),
            ), self.timeout)
        return message.id

    async def find_posted(self, channel_id: int, idempotency_key: str) -> int | None:
        """The id of the bot's recent message in the channel whose marker is the key, if any.

        Raises
        ------
        DeliveryError
            When the history cannot be read (the runner then goes on without it).
        """
        me = self.client.user
        if me is None:
            raise DeliveryError("not logged in", permanent=False)
        channel = self._channel(channel_id)

        async def scan() -> int | None:
            async for message in channel.history(limit=self.history_limit):
                if message.author.id == me.id and find_marker(message.content) == idempotency_key:
                    return message.id
            return None

        with _delivery_errors(f"reading the history of channel {channel_id}"):
            return await asyncio.wait_for(scan(), self.timeout)


@contextlib.contextmanager
def _delivery_errors(doing: str) -> Iterator[None]:
    """Turn what discord.py and aiohttp raise into :class:`DeliveryError`."""
    try:
        yield
    except (discord.NotFound, discord.Forbidden) as exc:
        raise DeliveryError(f"{doing}: {exc.status} {exc.text or exc}", permanent=True) from exc
    except discord.HTTPException as exc:
        # 5xx and rate limits pass; any other 4xx rejects this very request, so repeating it
        # cannot help (e.g. 400 for an over-long message).
        transient = exc.status >= 500 or exc.status == 429
        raise DeliveryError(f"{doing}: {exc.status} {exc.text or exc}",
                            permanent=not transient) from exc
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        raise DeliveryError(f"{doing}: {type(exc).__name__}: {exc}", permanent=False) from exc
