// The mobile flow through the Kotlin SDK that openapi-generator makes from the schema, as an Android
// app would call it. Run by `clients/sdk flow kotlin URL` with BUYER_EMAIL, SELLER_EMAIL, PASSWORD
// and IMAGE in the environment. Each area ends with one refusal, read as the documented Error.
package bazaar.flow

import bazaar.client.apis.AuthApi
import bazaar.client.apis.CartApi
import bazaar.client.apis.CategoriesApi
import bazaar.client.apis.ProductsApi
import bazaar.client.apis.PurchasesApi
import bazaar.client.apis.SearchApi
import bazaar.client.infrastructure.ApiClient
import bazaar.client.infrastructure.ApiResponse
import bazaar.client.infrastructure.ClientError
import bazaar.client.infrastructure.ClientException
import bazaar.client.infrastructure.Serializer
import bazaar.client.infrastructure.Success
import bazaar.client.models.AddToCartRequest
import bazaar.client.models.CheckoutRequest
import bazaar.client.models.CommentRequest
import bazaar.client.models.Error
import bazaar.client.models.Hit
import bazaar.client.models.LoginRequest
import bazaar.client.models.OrderStatusEnum
import bazaar.client.models.PatchedChangeQuantityRequest
import bazaar.client.models.PatchedProductRequest
import bazaar.client.models.Product
import bazaar.client.models.ProductRequest
import bazaar.client.models.TokenRefreshRequest
import java.io.File
import java.math.BigDecimal
import java.util.UUID
import kotlin.system.exitProcess

private fun env(name: String): String = System.getenv(name) ?: error("$name is not set")

private fun step(name: String) = println("kotlin: $name")

private fun check(condition: Boolean, message: String) {
    if (!condition) throw IllegalStateException("kotlin flow failed: $message")
}

/** A refusal, read with the SDK's own `Error` model. */
private fun refused(status: Int, area: String, call: () -> Any?) {
    try {
        call()
    } catch (refusal: ClientException) {
        check(refusal.statusCode == status, "$area: expected $status, got ${refusal.statusCode}")
        val body = (refusal.response as ClientError<*>).body as String
        val error = Serializer.kotlinxSerializationJson.decodeFromString(Error.serializer(), body)
        check(error.detail.isNotEmpty(), "$area: no Error body")
        println("kotlin:   refused as documented ($status ${error.code}): ${error.detail}")
        return
    }
    throw IllegalStateException("kotlin flow failed: $area was not refused")
}

/** The parsed body of a successful answer obtained "WithHttpInfo" (to read its status and headers too). */
@Suppress("UNCHECKED_CAST")
private fun <T> ApiResponse<T?>.body(): T = (this as Success<T?>).data ?: error("no body in a ${statusCode} answer")

/** An API of the SDK, signed in with `token` when there is one. */
private fun <T : ApiClient> signedIn(api: T, token: String?): T = api.apply { accessTokenProvider = { token } }

fun main(args: Array<String>) {
    // Optional fields left unset are left out of request bodies, not sent as null (which the API refuses).
    Serializer.kotlinxSerializationJsonConfiguration = { explicitNulls = false }
    try {
        flow(args.firstOrNull() ?: env("BAZAAR_URL"))
    } catch (failure: ClientException) {
        System.err.println("kotlin flow failed: ${failure.message}: ${(failure.response as? ClientError<*>)?.body}")
        exitProcess(1)
    } catch (failure: Exception) {
        System.err.println(failure.message ?: failure.toString())
        exitProcess(1)
    }
}

private fun flow(base: String) {
    val password = env("PASSWORD")
    val auth = AuthApi(base)

    step("log in, refresh; a wrong password is refused")
    val tokens = auth.authLoginCreate(LoginRequest(email = env("BUYER_EMAIL"), password = password))
    val fresh = auth.authRefreshCreate(TokenRefreshRequest(refresh = tokens.refresh))
    check(fresh.access != tokens.access, "refresh gave no new access token")
    refused(401, "auth") { auth.authLoginCreate(LoginRequest(email = env("BUYER_EMAIL"), password = "not-the-password")) }
    val buyerToken = fresh.access

    step("list products with filters and sorting, page to the end, then again by cursor")
    val products = ProductsApi(base)
    val category = CategoriesApi(base).categoriesList().results.first()
    fun listing(page: Int? = null, cursor: String? = null) = products.productsList(
        category = category.id, inStock = true, ordering = ProductsApi.OrderingProductsList.price,
        minPrice = BigDecimal("1.00"), pageSize = 2, page = page, cursor = cursor,
    )
    val first = listing()
    check(first.count >= 3, "the category has too few products")
    val seen = mutableListOf<Product>()
    var page = 1
    while (true) {
        val answer = listing(page = page++)
        seen += answer.results
        if (answer.next == null) break
    }
    check(seen.size == first.count, "the pages do not cover the list")
    check(seen.zipWithNext().all { (a, b) -> a.price <= b.price }, "not in price order")
    check(seen.all { it.inStock && it.category == category.id }, "a filter was not applied")
    val byCursor = first.results.toMutableList()
    var cursor = first.nextCursor
    while (cursor != null) {
        val answer = listing(cursor = cursor)
        byCursor += answer.results
        cursor = answer.nextCursor
    }
    check(byCursor.map { it.id } == seen.map { it.id }, "the cursor walk differs from the pages")
    refused(400, "catalogue") { products.productsList(pageSize = 1000) }

    step("product detail, revalidated with its ETag")
    val detail = products.productsRetrieveWithHttpInfo(id = seen.first().id, ifNoneMatch = null)
    val etag = detail.headers["etag"]?.firstOrNull()
    check(detail.statusCode == 200 && etag != null, "product detail")
    val again = products.productsRetrieveWithHttpInfo(id = seen.first().id, ifNoneMatch = etag)
    check(again.statusCode == 304, "revalidation answered ${again.statusCode}")
    val product = products.productsRetrieve(seen.first().id)

    step("add to cart, change the quantity, read the cart; too many is refused")
    val cartApi = signedIn(CartApi(base), buyerToken)
    val line = cartApi.cartCreate(AddToCartRequest(product = product.id, quantity = 1)).items.first { it.product == product.id }
    cartApi.cartPartialUpdate(line.id, PatchedChangeQuantityRequest(quantity = 2))
    val cart = cartApi.cartRetrieve()
    check(cart.items.map { it.product to it.quantity } == listOf(product.id to 2), "the cart does not hold 2 of it")
    check(cart.total.compareTo(product.price * BigDecimal(2)) == 0, "the cart total is not twice the price")
    refused(409, "cart") { cartApi.cartCreate(AddToCartRequest(product = product.id, quantity = product.stock + 1)) }

    step("purchase with an Idempotency-Key, retry it: the same purchase")
    val purchases = signedIn(PurchasesApi(base), buyerToken)
    val key = UUID.randomUUID().toString()
    val details = CheckoutRequest(shippingName = "Ann Buyer", shippingAddress = "1 Main St")
    val bought = purchases.purchasesCreateWithHttpInfo(idempotencyKey = key, checkoutRequest = details)
    val retried = purchases.purchasesCreateWithHttpInfo(idempotencyKey = key, checkoutRequest = details)
    check(bought.statusCode == 201 && retried.statusCode == 200, "purchase ${bought.statusCode}, retry ${retried.statusCode}")
    val purchase = purchases.purchasesRetrieve(bought.body().id)
    check(retried.body().id == purchase.id, "the retry made another purchase")
    check(purchase.history.first().fromStatus == null, "the first status change has a previous status")

    step("history and detail, the order's events; cancel; cancelling again is refused")
    check(purchases.purchasesList().results.any { it.id == purchase.id }, "the purchase is not in the history")
    val cancelled = purchases.purchasesCancelCreate(purchase.id)
    check(cancelled.status == OrderStatusEnum.cancelled, "the purchase was not cancelled")
    val events = purchases.purchasesEventsRetrieve(purchase.id).events
    check(events.map { it.fromStatus?.value to it.toStatus } == listOf(null to OrderStatusEnum.placed, "placed" to OrderStatusEnum.cancelled), "events")
    refused(409, "purchases") { purchases.purchasesCancelCreate(purchase.id) }

    step("as a seller: create a product, upload an image, change its price, read its comments")
    val sellerToken = auth.authLoginCreate(LoginRequest(email = env("SELLER_EMAIL"), password = password)).access
    val sellerProducts = signedIn(ProductsApi(base), sellerToken)
    val kettle = ProductRequest(title = "Kotlin flow kettle", price = BigDecimal("24.50"), stock = 5, category = category.id)
    val created = sellerProducts.productsCreate(kettle)
    check(created.price.compareTo(BigDecimal("24.50")) == 0, "product creation")
    val picture = sellerProducts.productsImageCreate(created.id, File(env("IMAGE")), "A kettle")
    check(picture.url.startsWith("http") && (picture.width ?: 0) > 0, "the image upload")
    val repriced = sellerProducts.productsPartialUpdate(created.id, PatchedProductRequest(price = BigDecimal("19.90")))
    check(repriced.price.compareTo(BigDecimal("19.90")) == 0 && repriced.images.first().id == picture.id, "the price change")
    signedIn(ProductsApi(base), buyerToken).productsCommentsCreate(created.id, CommentRequest(rating = 5, text = "Boils fast."))
    val comments = sellerProducts.productsCommentsList(created.id).results
    check(comments.map { it.rating to it.text } == listOf(5 to "Boils fast."), "the product's comments")
    refused(403, "seller") { signedIn(ProductsApi(base), buyerToken).productsCreate(kettle) }

    step("search with facets, in each kind; suggestions")
    val search = SearchApi(base)
    val found = search.searchRetrieve(q = "kettle", type = SearchApi.TypeSearchRetrieve.products)
    check(found.results.isNotEmpty() && found.results.all { it is Hit.ProductWrapper }, "product hits")
    check(found.facets.category.orEmpty().all { it.count > 0 } && found.facets.inStock.orEmpty().isNotEmpty(), "facets")
    val shops = search.searchRetrieve(type = SearchApi.TypeSearchRetrieve.sellers)
    check(shops.results.all { it is Hit.SellerWrapper && it.value.slug.isNotEmpty() }, "seller hits")
    val reviews = search.searchRetrieve(q = "boils", type = SearchApi.TypeSearchRetrieve.comments)
    check(reviews.results.any { it is Hit.CommentWrapper && it.value.rating == 5 }, "comment hits")
    check(search.searchSuggestRetrieve("Kotlin flow").suggestions.any { it.id == created.id }, "the suggestion")
    refused(400, "search") { search.searchRetrieve(minPrice = BigDecimal("9.00"), maxPrice = BigDecimal("1.00")) }

    println("kotlin: the whole flow passed")
}
