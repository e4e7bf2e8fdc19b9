// The order page's "Pay with Razorpay" button: opens Razorpay Checkout for the order. When the
// buyer has paid, the page reloads; it shows "paid" only once Razorpay's webhook confirms.
(function () {
  "use strict";
  var data = document.getElementById("razorpay-options");
  var button = document.getElementById("razorpay-pay");
  if (!data || !button) return;
  var options = JSON.parse(data.textContent);
  delete options.script;
  button.addEventListener("click", function () {
    if (!window.Razorpay) return;
    var checkout = new window.Razorpay(Object.assign({}, options, {
      handler: function () { window.location.reload(); }
    }));
    checkout.open();
  });
})();
